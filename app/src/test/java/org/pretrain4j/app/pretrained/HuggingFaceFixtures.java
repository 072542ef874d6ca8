package org.pretrain4j.app.pretrained;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.objective.Objectives;
import org.pretrain4j.objective.clm.ClmConfig;
import org.pretrain4j.objective.clm.ClmObjective;
import org.pretrain4j.objective.mlm.BertMaskingConfig;
import org.pretrain4j.objective.mlm.BertMaskingStrategy;
import org.pretrain4j.objective.mlm.MlmConfig;
import org.pretrain4j.objective.mlm.MlmObjective;
import org.pretrain4j.objective.nsp.NspConfig;
import org.pretrain4j.objective.nsp.NspObjective;
import org.pretrain4j.spi.Objective;

/**
 * The tiny checkpoints transformers made ({@code src/test/python/make_hf_fixtures.py}) and their
 * reference inputs and logits ({@code reference.json}).
 */
final class HuggingFaceFixtures {
    static final Path ROOT = Path.of("src", "test", "resources", "hf-fixtures").toAbsolutePath();

    private HuggingFaceFixtures() {}

    static Path folder(String model) {
        return ROOT.resolve(model);
    }

    /**
     * A copy of a fixture folder with only one weights file ({@code model.safetensors} or
     * {@code pytorch_model.bin}), so that the folder is read from that format.
     */
    static Path withOnly(String model, String weightsFile, Path into) throws IOException {
        Path target = Files.createDirectories(into.resolve(model + "-" + weightsFile));
        try (Stream<Path> files = Files.list(folder(model))) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                boolean weights = name.equals("model.safetensors") || name.equals("pytorch_model.bin");
                if (!weights || name.equals(weightsFile)) {
                    Files.copy(f, target.resolve(name));
                }
            }
        }
        return target;
    }

    static JsonNode reference(String model) throws IOException {
        return new ObjectMapper().readTree(folder(model).resolve("reference.json").toFile());
    }

    /** A [batch, sequence] INT64 input of the reference. */
    static HostTensor longs(JsonNode rows) {
        int b = rows.size();
        int s = rows.get(0).size();
        long[] out = new long[b * s];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < s; j++) {
                out[i * s + j] = rows.get(i).get(j).asLong();
            }
        }
        return HostTensor.ofLongs(new long[] {b, s}, out);
    }

    /** The objective whose inference outputs are the fixture's task model's outputs. */
    static Objective objective(String model) {
        return switch (model) {
            case "bert" -> Objectives.compose(List.of(mlm(), new NspObjective(NspConfig.parse(Map.of()))), Map.of());
            case "roberta" -> mlm();
            case "gpt2" -> new ClmObjective(ClmConfig.parse(Map.of()));
            default -> throw new IllegalArgumentException(model);
        };
    }

    static Objective mlm() {
        return new MlmObjective(MlmConfig.parse(Map.of()), new BertMaskingStrategy(BertMaskingConfig.parse(Map.of())));
    }
}

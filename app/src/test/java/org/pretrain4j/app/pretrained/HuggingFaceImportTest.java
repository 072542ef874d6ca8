package org.pretrain4j.app.pretrained;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pretrain4j.backend.onnx.LargeStack;
import org.pretrain4j.backend.onnx.OnnxBackendFactory;
import org.pretrain4j.graph.Graph;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.graph.Program;
import org.pretrain4j.graph.Tensor;
import org.pretrain4j.nn.Activation;
import org.pretrain4j.nn.Transformer;
import org.pretrain4j.pretrained.HuggingFaceConfig;
import org.pretrain4j.pretrained.PretrainedWeights;
import org.pretrain4j.spi.Backend;
import org.pretrain4j.graph.Executable;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.text.SpecialTokens;
import org.pretrain4j.weights.WeightFiles;
import org.pretrain4j.weights.WeightReader;

/**
 * Our forward pass on checkpoints transformers saved equals transformers' own logits (reference.json,
 * padded inputs) within 1e-4, from model.safetensors and from pytorch_model.bin, with the loading
 * report empty: every tensor of the file used, none missing.
 */
final class HuggingFaceImportTest {
    @TempDir
    Path temp;

    @ParameterizedTest(name = "{0} from {1}")
    @CsvSource({"bert, model.safetensors", "bert, pytorch_model.bin", "gpt2, model.safetensors", "gpt2, pytorch_model.bin",
        "roberta, model.safetensors", "roberta, pytorch_model.bin"})
    void forwardEqualsTransformers(String model, String weightsFile) throws Exception {
        Path folder = HuggingFaceFixtures.withOnly(model, weightsFile, temp);
        HuggingFaceConfig config = HuggingFaceConfig.read(folder);
        if (model.equals("gpt2")) {
            assertThat(config.model().activation()).isEqualTo(Activation.GELU_TANH);
        }
        Objective objective = HuggingFaceFixtures.objective(model);
        Graph g = new Graph();
        Transformer transformer = Transformer.build(g, config.model(), new SpecialTokens(-1, -1, -1, -1, -1, -1, -1), false);
        Map<String, Tensor> outputs = new LinkedHashMap<>(objective.buildInference(transformer));
        Program program = new Program("forward", g, outputs, java.util.List.of(), 1);
        Map<String, long[]> parameters = new LinkedHashMap<>();
        for (Tensor v : program.variables()) {
            parameters.put(v.name(), v.shape().fixedSizes());
        }
        PretrainedWeights weights;
        try (WeightReader reader = WeightFiles.open(folder)) {
            assertThat(reader.file().getFileName().toString()).isEqualTo(weightsFile);
            weights = PretrainedWeights.read(reader, config.architecture(), config.model(), parameters);
        }
        assertThat(weights.missing()).as("missing keys").isEmpty();
        assertThat(weights.unexpected()).as("unexpected keys").isEmpty();
        assertThat(weights.state().keySet()).isEqualTo(parameters.keySet());

        JsonNode reference = HuggingFaceFixtures.reference(model);
        Map<String, HostTensor> inputs = new HashMap<>();
        inputs.put(Transformer.INPUT_IDS, HuggingFaceFixtures.longs(reference.get("input_ids")));
        inputs.put(Transformer.ATTENTION_MASK, HuggingFaceFixtures.longs(reference.get("attention_mask")));
        if (program.inputs().stream().anyMatch(t -> t.name().equals(Transformer.TOKEN_TYPE_IDS))) {
            JsonNode types = reference.get("token_type_ids");
            inputs.put(Transformer.TOKEN_TYPE_IDS, types != null ? HuggingFaceFixtures.longs(types)
                    : HostTensor.ofLongs(inputs.get(Transformer.INPUT_IDS).shape(), new long[inputs.get(Transformer.INPUT_IDS).size()]));
        }
        Map<String, HostTensor> result = LargeStack.call("hf-import-test", () -> {
            try (Backend backend = new OnnxBackendFactory().create(Map.of("threads", "1"));
                    Executable exec = backend.compile(program)) {
                exec.loadState(weights.state());
                return exec.run(inputs);
            }
        });
        long[] mask = inputs.get(Transformer.ATTENTION_MASK).longs();
        assertClose(result.get("logits"), reference.get("logits"), mask);
        if (reference.has("seq_relationship_logits")) {
            assertClose(result.get("seq_relationship_logits"), reference.get("seq_relationship_logits"), null);
        }
    }

    /** Every value within 1e-4; for [batch, sequence, vocab] only the positions the mask keeps. */
    private static void assertClose(HostTensor actual, JsonNode expected, long[] mask) {
        float[] values = actual.floats();
        long[] shape = actual.shape();
        int checked = 0;
        if (shape.length == 2) {
            for (int b = 0; b < shape[0]; b++) {
                for (int c = 0; c < shape[1]; c++) {
                    assertThat((double) values[(int) (b * shape[1] + c)]).as("[%d, %d]", b, c)
                            .isCloseTo(expected.get(b).get(c).asDouble(), within(1e-4));
                    checked++;
                }
            }
        } else {
            int s = (int) shape[1];
            int v = (int) shape[2];
            for (int b = 0; b < shape[0]; b++) {
                for (int p = 0; p < s; p++) {
                    if (mask[b * s + p] == 0) {
                        continue;
                    }
                    for (int k = 0; k < v; k++) {
                        assertThat((double) values[(b * s + p) * v + k]).as("logit [%d, %d, %d]", b, p, k)
                                .isCloseTo(expected.get(b).get(p).get(k).asDouble(), within(1e-4));
                        checked++;
                    }
                }
            }
        }
        assertThat(checked).isPositive();
    }
}

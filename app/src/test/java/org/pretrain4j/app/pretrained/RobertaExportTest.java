package org.pretrain4j.app.pretrained;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pretrain4j.backend.onnx.export.OnnxExportFormatFactory;
import org.pretrain4j.backend.onnx.export.OnnxExporter;
import org.pretrain4j.backend.onnx.export.SafetensorsExportFormatFactory;
import org.pretrain4j.graph.AdamW;
import org.pretrain4j.graph.Program;
import org.pretrain4j.graph.Tensor;
import org.pretrain4j.pretrained.HuggingFaceConfig;
import org.pretrain4j.pretrained.PretrainedWeights;
import org.pretrain4j.spi.ExportFolder;
import org.pretrain4j.spi.ExportRequest;
import org.pretrain4j.text.BpeTrainer;
import org.pretrain4j.text.Tokenizer;
import org.pretrain4j.train.TrainingGraphs;
import org.pretrain4j.weights.WeightFiles;
import org.pretrain4j.weights.WeightReader;

/**
 * The export direction for RoBERTa: the fixture's weights exported in the onnx and safetensors formats load in
 * transformers as a RobertaForMaskedLM with a clean report, and its logits (positions from the
 * padding mask, offset past the padding index) equal the ONNX graph's within 1e-4. The tokenizer
 * here is a stand-in of the right size: the check feeds token ids.
 */
final class RobertaExportTest {
    @TempDir
    Path temp;

    @Test
    void aRobertaModelExportsAsRobertaForMaskedLm() throws Exception {
        Path folder = HuggingFaceFixtures.folder("roberta");
        HuggingFaceConfig config = HuggingFaceConfig.read(folder);
        Tokenizer tokenizer = BpeTrainer.train(List.of("the cat sat on the mat", "a dog ran in the park"), BpeTrainer.Options.of(270));
        assertThat(tokenizer.vocabularySize()).isLessThanOrEqualTo(config.model().vocabularySize());
        TrainingGraphs graphs = new TrainingGraphs(config.model(), tokenizer.specialTokens(), HuggingFaceFixtures.mlm(),
                new AdamW.Config(0.9, 0.999, 1e-6, 0, 1), 1);
        Map<String, Program> programs = graphs.exportPrograms();
        Map<String, long[]> parameters = new LinkedHashMap<>();
        for (Tensor v : programs.get("model").variables()) {
            parameters.put(v.name(), v.shape().fixedSizes());
        }
        PretrainedWeights weights;
        try (WeightReader reader = WeightFiles.open(folder)) {
            weights = PretrainedWeights.read(reader, config.architecture(), config.model(), parameters);
        }
        assertThat(weights.missing()).isEmpty();

        ExportRequest request = new ExportRequest(programs.get("model"), programs.get("encoder"), weights.state(),
                config.model(), tokenizer, "mlm", Map.of(), "{}");
        Path export = temp.resolve("export").toAbsolutePath();
        ExportFolder.write(export, OnnxExporter.OWN_FILES, dir -> {
            List<Path> files = new ArrayList<>(new OnnxExportFormatFactory().create(Map.of()).export(request, dir));
            files.addAll(new SafetensorsExportFormatFactory().create(Map.of()).export(request, dir));
            return files;
        });

        JsonNode report = ExportChecks.assertTransformersLoadsIt(export, "RobertaForMaskedLM");
        assertThat(report.path("model_type").asText()).isEqualTo("roberta");
        assertThat(Files.readString(export.resolve("config.json"))).contains("\"pad_token_id\" : 1");
    }
}

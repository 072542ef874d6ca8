package org.pretrain4j.app.pretrained;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pretrain4j.app.PreTraining;
import org.pretrain4j.app.run.RunResult;
import org.pretrain4j.app.testing.CommandRun;
import org.pretrain4j.app.testing.TestCorpus;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.pretrained.HuggingFaceConfig;
import org.pretrain4j.pretrained.PretrainedWeights;
import org.pretrain4j.train.checkpoint.CheckpointStore;
import org.pretrain4j.train.TrainingListener;
import org.pretrain4j.weights.SafetensorsWriter;
import org.pretrain4j.weights.WeightFiles;
import org.pretrain4j.weights.WeightReader;

/**
 * Continued pre-training end to end: from transformers' tiny checkpoints through training, resume
 * and export, to transformers, transformers.js and onnx.checker loading the export, and back in.
 */
final class InitFromTest {
    @TempDir
    Path temp;

    @Test
    void bertContinuesWithMlmExportsForTransformersAndComesBackBitIdentical() throws Exception {
        Path corpus = TestCorpus.write(temp.resolve("corpus.txt"), 60, 5);
        List<String> messages = new ArrayList<>();
        PreTraining first = builder(corpus, HuggingFaceFixtures.folder("bert"), temp.resolve("first"), 50, 2e-3)
                .listener(new TrainingListener() {
                    @Override
                    public void onMessage(String message) {
                        messages.add(message);
                    }
                })
                .build();
        RunResult result = first.train();

        assertThat(result.completed()).isTrue();
        assertThat(String.join("\n", messages)).contains("Initialised").contains("model.safetensors")
                // BertForPreTraining's next-sentence head and pooler are not used by mlm, as Hugging Face reports them.
                .contains("Unexpected keys").contains("cls.seq_relationship.weight").contains("bert.pooler.dense.weight");
        Path export = result.export();
        assertThat(export.resolve("model.safetensors")).exists();
        ExportChecks.assertTransformersLoadsIt(export, "BertForMaskedLM");
        JsonNode filled = ExportChecks.transformersJs("fill-mask", export, "the cat sat on the [MASK] .");
        assertThat(filled.path("singles").get(0)).hasSize(3);

        // --init-from on the export reads back exactly the parameters of the last checkpoint.
        Map<String, HostTensor> trained = new CheckpointStore(temp.resolve("first").resolve("checkpoints"))
                .loadNewest(false, m -> { }).orElseThrow().tensors();
        HuggingFaceConfig config = HuggingFaceConfig.read(export);
        Map<String, long[]> parameters = new LinkedHashMap<>();
        for (String name : List.of("embeddings/word", "embeddings/position", "layer_1/attention/query/weight",
                "layer_1/attention/key/weight", "layer_0/ffn/layer_norm/gamma", "cls/predictions/output_bias",
                "cls/predictions/transform/dense/weight")) {
            parameters.put(name, trained.get(name).shape());
        }
        try (WeightReader reader = WeightFiles.open(export)) {
            PretrainedWeights back = PretrainedWeights.read(reader, config.architecture(), config.model(), parameters);
            for (String name : parameters.keySet()) {
                assertThat(back.state().get(name).floats()).as(name).containsExactly(trained.get(name).floats());
            }
        }

        // A run continued from the export starts where the first ended: with a vanishing learning rate its
        // first held-out loss is the first run's last.
        RunResult second = builder(corpus, export, temp.resolve("second"), 1, 1e-30).set("eval-every", 1).build().trainWithoutExport();
        assertThat(second.validationMetrics().get("loss")).isCloseTo(result.validationMetrics().get("loss"), within(1e-5));
    }

    @Test
    void anInitFromRunResumesAndExportsTheNextSentenceHead() throws Exception {
        Path corpus = TestCorpus.write(temp.resolve("corpus.txt"), 40, 6);
        Path run = temp.resolve("run");
        CommandRun first = CommandRun.of("train", "--init-from", HuggingFaceFixtures.folder("bert").toString(), "--objective", "mlm+nsp",
                "--corpus", corpus.toString(), "--run-dir", run.toString(), "--steps", "4", "--checkpoint-every", "2",
                "--batch-size", "4", "--sequence-length", "32", "--threads", "1", "--no-export", "--warmup-steps", "1");
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(run.resolve("init-from-config.json")).exists();

        CommandRun resumed = CommandRun.of("resume", "--run-dir", run.toString(), "--steps", "6");
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        List<Path> checkpoints = new CheckpointStore(run.resolve("checkpoints")).list();
        assertThat(checkpoints.get(checkpoints.size() - 1).getFileName().toString()).contains("6");
        // With the next-sentence head the export is a BertForPreTraining, pooler included.
        ExportChecks.assertTransformersLoadsIt(run.resolve("export"), "BertForPreTraining");
    }

    @Test
    void gpt2ContinuesWithClmAndItsExportGeneratesThroughTheKeyValueCache() throws Exception {
        Path corpus = TestCorpus.write(temp.resolve("corpus.txt"), 60, 7);
        Path run = temp.resolve("gpt2-run");
        CommandRun trained = CommandRun.of("train", "--init-from", HuggingFaceFixtures.folder("gpt2").toString(), "--objective", "clm",
                "--corpus", corpus.toString(), "--run-dir", run.toString(), "--steps", "50", "--batch-size", "8",
                "--sequence-length", "32", "--threads", "1", "--warmup-steps", "5", "--eval-every", "25", "--checkpoint-every", "25",
                "--validation-fraction", "0.1");
        assertThat(trained.exitCode()).as(trained.err()).isZero();
        assertThat(trained.out() + trained.err()).contains("Initialised");

        Path export = run.resolve("export");
        JsonNode report = ExportChecks.assertTransformersLoadsIt(export, "GPT2LMHeadModel");
        assertThat(report.path("model_type").asText()).isEqualTo("gpt2");
        assertThat(Files.readString(export.resolve("config.json"))).contains("\"activation_function\" : \"gelu_new\"");
        JsonNode generated = ExportChecks.transformersJs("text-generation", export, "the council", "our committee supports");
        assertThat(generated.path("generated_ids")).hasSize(2);
        generated.path("generated_ids").forEach(ids -> assertThat(ids.size()).isPositive());
    }

    @Test
    void robertaContinuesWithMlmAndExportsAsRobertaForFillMask() throws Exception {
        Path corpus = TestCorpus.write(temp.resolve("corpus.txt"), 60, 8);
        Path run = temp.resolve("roberta-run");
        CommandRun trained = CommandRun.of("train", "--init-from", HuggingFaceFixtures.folder("roberta").toString(), "--objective", "mlm",
                "--corpus", corpus.toString(), "--run-dir", run.toString(), "--steps", "50", "--batch-size", "8",
                "--sequence-length", "32", "--threads", "1", "--warmup-steps", "5", "--eval-every", "25", "--checkpoint-every", "25",
                "--validation-fraction", "0.1");
        assertThat(trained.exitCode()).as(trained.err()).isZero();

        Path export = run.resolve("export");
        JsonNode report = ExportChecks.assertTransformersLoadsIt(export, "RobertaForMaskedLM");
        assertThat(report.path("model_type").asText()).isEqualTo("roberta");
        assertThat(Files.readString(export.resolve("tokenizer_config.json"))).contains("RobertaTokenizer");
        JsonNode filled = ExportChecks.transformersJs("fill-mask", export, "the cat sat on the<mask>.", "a dog<mask> in the park");
        assertThat(filled.path("singles").get(0)).hasSize(3);
        assertThat(filled.path("has_token_type_ids").asBoolean()).isFalse();
    }

    @Test
    void headsTheObjectiveNeedsAndTheFileLacksAreInitialisedAndListed() throws Exception {
        // A BertForMaskedLM-like folder: the fixture without the pooler and the next-sentence head.
        Path model = Files.createDirectories(temp.resolve("bert-mlm-only"));
        try (var files = Files.list(HuggingFaceFixtures.folder("bert"))) {
            for (Path f : files.toList()) {
                if (!f.getFileName().toString().endsWith(".bin") && !f.getFileName().toString().endsWith(".safetensors")) {
                    Files.copy(f, model.resolve(f.getFileName()));
                }
            }
        }
        LinkedHashMap<String, HostTensor> kept = new LinkedHashMap<>();
        try (WeightReader reader = WeightFiles.open(HuggingFaceFixtures.folder("bert"))) {
            for (String name : reader.names()) {
                if (!name.startsWith("bert.pooler.") && !name.startsWith("cls.seq_relationship.")) {
                    kept.put(name, reader.read(name));
                }
            }
        }
        SafetensorsWriter.write(model.resolve("model.safetensors"), kept, Map.of("format", "pt"));
        Path corpus = TestCorpus.write(temp.resolve("corpus.txt"), 30, 9);

        CommandRun run = CommandRun.of("train", "--init-from", model.toString(), "--objective", "mlm+nsp", "--corpus", corpus.toString(),
                "--run-dir", temp.resolve("run").toString(), "--steps", "2", "--batch-size", "4", "--sequence-length", "32",
                "--threads", "1", "--no-export", "--warmup-steps", "1");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out() + run.err()).contains("Missing keys, newly initialised")
                .contains("bert.pooler.dense.weight").contains("cls.seq_relationship.weight").contains("cls.seq_relationship.bias")
                .doesNotContain("Unexpected keys");
    }

    @Test
    void aDecoderTrainedFromScratchWithoutOutputBiasExportsToGpt2Exactly() throws Exception {
        Path corpus = TestCorpus.write(temp.resolve("corpus.txt"), 40, 10);
        Path run = temp.resolve("scratch");
        CommandRun trained = CommandRun.of("train", "--objective", "clm", "--corpus", corpus.toString(),
                "--vocab-size", "300", "--run-dir", run.toString(), "--steps", "5", "--batch-size", "4", "--sequence-length", "32",
                "--threads", "1", "--warmup-steps", "1", "--validation-fraction", "0.1");
        assertThat(trained.exitCode()).as(trained.err()).isZero();

        ExportChecks.assertTransformersLoadsIt(run.resolve("export"), "GPT2LMHeadModel");
    }

    private static PreTraining.Builder builder(Path corpus, Path from, Path runDirectory, int steps, double learningRate) {
        return PreTraining.builder()
                .corpus(corpus)
                .initFrom(from)
                .objectives("mlm")
                .steps(steps)
                .batchSize(8)
                .sequenceLength(32)
                .learningRate(learningRate)
                .warmupSteps(Math.min(5, steps - 1))
                .threads(1)
                .set("eval-every", 25)
                .set("eval-batches", 4)
                .set("checkpoint-every", 25)
                .set("validation-fraction", 0.1)
                .runDirectory(runDirectory)
                .quiet();
    }
}

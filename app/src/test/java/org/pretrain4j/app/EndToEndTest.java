package org.pretrain4j.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pretrain4j.app.testing.CommandRun;
import org.pretrain4j.app.testing.TestCorpus;

/** The command line from training to inference on a tiny encoder and a tiny decoder. */
final class EndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path temp;
    static Path corpus;
    static Path encoderRun;
    static Path decoderRun;
    static CommandRun encoderTraining;

    static String[] train(String objective, Path run, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--recipe", "none", "--corpus", corpus.toString(), "--objective", objective, "--preset", "tiny",
                "--vocab-size", "300", "--steps", "6", "--batch-size", "4", "--seq", "32", "--eval-every", "3", "--eval-batches", "2",
                "--checkpoint-every", "3", "--threads", "1", "--validation-fraction", "0.1", "--run-dir", run.toString()));
        a.addAll(Arrays.asList(extra));
        return a.toArray(String[]::new);
    }

    @BeforeAll
    static void trainAnEncoderAndADecoder() throws Exception {
        corpus = TestCorpus.write(temp.resolve("corpus.txt"), 40, 11);
        encoderRun = temp.resolve("encoder");
        decoderRun = temp.resolve("decoder");
        encoderTraining = CommandRun.of(train("mlm+nsp", encoderRun, "--example", "The council [MASK] the proposal today."));
        assertThat(encoderTraining.exitCode()).as(encoderTraining.err()).isZero();
        CommandRun decoder = CommandRun.of(train("clm", decoderRun));
        assertThat(decoder.exitCode()).as(decoder.err()).isZero();
    }

    @Test
    void trainingLeavesConfigMetricsPlotsCheckpointsAndAnExportAndShowsAnExample() {
        assertThat(encoderRun.resolve("run-config.json")).exists();
        assertThat(encoderRun.resolve("tokenizer.json")).exists();
        assertThat(encoderRun.resolve("metrics.jsonl")).exists();
        assertThat(encoderRun.resolve("loss.png")).exists();
        assertThat(encoderRun.resolve("loss-masked_lm.png")).exists();
        assertThat(encoderRun.resolve("loss-next_sentence.png")).exists();
        assertThat(encoderRun.resolve("checkpoints").resolve("step-00000006")).isDirectory();
        assertThat(encoderRun.resolve("export").resolve("onnx").resolve("model.onnx")).exists();
        assertThat(encoderTraining.out()).contains("Trained to step 6 in").contains("Exported to")
                .contains("fill-mask --model").contains("The council [MASK] the proposal today.").contains("%");
        // Not a terminal here: plain log lines on standard error, no progress bar.
        assertThat(encoderTraining.err()).contains("step 6/6").contains("eval step 6").contains("checkpoint step-00000006 written");
    }

    @Test
    void fillMaskShowsTheTopCandidatesWithProbabilities() throws Exception {
        CommandRun r = CommandRun.of("fill-mask", "--model", encoderRun.resolve("export").toString(), "--top-k", "5", "--json",
                "The commission [MASK] the report.");

        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode rows = JSON.readTree(r.out());
        assertThat(rows).hasSize(5);
        double sum = 0;
        double previous = 1;
        for (JsonNode row : rows) {
            double score = row.path("score").asDouble();
            assertThat(score).isPositive().isLessThanOrEqualTo(previous);
            previous = score;
            sum += score;
            assertThat(row.path("token_str").asText()).isNotEmpty();
            assertThat(row.path("sequence").asText()).doesNotContain("[MASK]");
        }
        assertThat(sum).isLessThanOrEqualTo(1.0 + 1e-6);
    }

    @Test
    void nextSentenceGivesTwoProbabilitiesThatAddUpToOne() throws Exception {
        CommandRun r = CommandRun.of("next-sentence", "--model", encoderRun.resolve("export").toString(), "--json",
                "The council supports the proposal.", "The rapporteur adopts the budget today.");

        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode p = JSON.readTree(r.out());
        assertThat(p.path("is_next").asDouble() + p.path("not_next").asDouble()).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void evaluateReportsTheHeldOutMetricsAsOneJsonObject() throws Exception {
        CommandRun r = CommandRun.of("evaluate", "--run-dir", encoderRun.toString(), "--json");

        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode metrics = JSON.readTree(r.out());
        assertThat(metrics.path("masked_lm_accuracy").asDouble(-1)).isBetween(0.0, 1.0);
        assertThat(metrics.path("next_sentence_accuracy").asDouble(-1)).isBetween(0.0, 1.0);
        assertThat(metrics.path("step").asInt()).isEqualTo(6);
        assertThat(metrics.has("unigram_perplexity")).as("only causal runs have the unigram baseline").isFalse();
    }

    @Test
    void evaluateStepScoresAnOlderKeptCheckpointAndNamesTheKeptStepsWhenThereIsNone() throws Exception {
        JsonNode newest = JSON.readTree(CommandRun.of("evaluate", "--run-dir", encoderRun.toString(), "--json").out());
        CommandRun r = CommandRun.of("evaluate", "--run-dir", encoderRun.toString(), "--json", "--step", "3");

        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode older = JSON.readTree(r.out());
        assertThat(older.path("step").asInt()).isEqualTo(3);
        assertThat(older.path("masked_lm_loss").asDouble()).isNotEqualTo(newest.path("masked_lm_loss").asDouble());

        CommandRun missing = CommandRun.of("evaluate", "--run-dir", encoderRun.toString(), "--step", "4");
        assertThat(missing.exitCode()).isNotZero();
        assertThat(missing.err()).contains("No checkpoint of step 4").contains("kept steps: 3, 6");
    }

    @Test
    void evaluateTakesObjectivePropertiesForThisEvaluationOnly() throws Exception {
        Path config = encoderRun.resolve("run-config.json");
        byte[] before = java.nio.file.Files.readAllBytes(config);
        JsonNode same = JSON.readTree(CommandRun.of("evaluate", "--run-dir", encoderRun.toString(), "--json").out());
        CommandRun explicit = CommandRun.of("evaluate", "--run-dir", encoderRun.toString(), "--json", "-p", "mlm.strategy.rate=0.15");
        assertThat(explicit.exitCode()).as(explicit.err()).isZero();
        // The run trained at BERT's 0.15: naming it changes nothing; masking half the tokens changes the masked-LM score.
        assertThat(JSON.readTree(explicit.out()).path("masked_lm_loss").asDouble()).isEqualTo(same.path("masked_lm_loss").asDouble());
        CommandRun half = CommandRun.of("evaluate", "--run-dir", encoderRun.toString(), "--json", "-p", "mlm.strategy.rate=0.5");
        assertThat(half.exitCode()).as(half.err()).isZero();
        assertThat(JSON.readTree(half.out()).path("masked_lm_loss").asDouble()).isNotEqualTo(same.path("masked_lm_loss").asDouble());
        assertThat(java.nio.file.Files.readAllBytes(config)).as("run-config.json is not rewritten").isEqualTo(before);

        CommandRun bad = CommandRun.of("evaluate", "--run-dir", encoderRun.toString(), "-p", "mlm.strategy.rte=0.5");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("rte");
    }

    @Test
    void evaluateOfACausalRunReportsTheHeldOutUnigramBaseline() throws Exception {
        CommandRun r = CommandRun.of("evaluate", "--run-dir", decoderRun.toString(), "--json");

        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode metrics = JSON.readTree(r.out());
        // The best unigram model of the held-out targets: above 1, at most the vocabulary size (300).
        assertThat(metrics.path("unigram_perplexity").asDouble(-1)).isGreaterThan(1.0).isLessThanOrEqualTo(300.0);
        assertThat(metrics.path("causal_lm_perplexity").asDouble(-1)).isGreaterThan(1.0);
    }

    @Test
    void exportWritesAnotherFolderThatFillMaskReads() {
        Path out = temp.resolve("second-export");
        CommandRun export = CommandRun.of("export", "--run-dir", encoderRun.toString(), "--output", out.toString());
        assertThat(export.exitCode()).as(export.err()).isZero();
        assertThat(out.resolve("config.json")).exists();
        assertThat(out.resolve("tokenizer_config.json")).exists();

        CommandRun fill = CommandRun.of("fill-mask", "--model", out.toString(), "--top-k", "3", "The [MASK] adopts the budget.");
        assertThat(fill.exitCode()).as(fill.err()).isZero();
        assertThat(fill.out().lines()).hasSize(3);
    }

    @Test
    void generateContinuesAPromptGreedilyAndBySampling() throws Exception {
        String model = decoderRun.resolve("export").toString();
        CommandRun greedy = CommandRun.of("generate", "--model", model, "--max-new-tokens", "8", "--json", "The council");
        CommandRun again = CommandRun.of("generate", "--model", model, "--max-new-tokens", "8", "--json", "The council");
        CommandRun sampled = CommandRun.of("generate", "--model", model, "--max-new-tokens", "8", "--temperature", "0.8",
                "--top-k", "20", "--top-p", "0.9", "--seed", "3", "The council");

        assertThat(greedy.exitCode()).as(greedy.err()).isZero();
        assertThat(sampled.exitCode()).as(sampled.err()).isZero();
        JsonNode g = JSON.readTree(greedy.out());
        assertThat(greedy.out()).isEqualTo(again.out());
        assertThat(g.path("generated_text").asText()).startsWith("The council");
        assertThat(g.path("tokens").size()).isBetween(1, 8);
        for (JsonNode token : g.path("tokens")) {
            // Greedy: the chosen token is the most likely one.
            assertThat(token.path("probability").asDouble()).isCloseTo(token.path("top").get(0).path("probability").asDouble(), within(1e-12));
        }
        assertThat(sampled.out()).startsWith("The council");
    }

    @Test
    void encodeShowsIdsTokensAndOffsets() throws Exception {
        CommandRun r = CommandRun.of("tokenizer", "encode", "--tokenizer", encoderRun.resolve("tokenizer.json").toString(), "--json",
                "The council adopts");

        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode e = JSON.readTree(r.out());
        assertThat(e.path("tokens").get(0).asText()).isEqualTo("[CLS]");
        assertThat(e.path("ids").size()).isEqualTo(e.path("offsets").size());
        assertThat(e.path("offsets").get(1).get(0).asInt()).isZero();
    }

    @Test
    void theWrongKindOfModelIsAUsageError() {
        CommandRun generate = CommandRun.of("generate", "--model", encoderRun.resolve("export").toString(), "hello");
        CommandRun fill = CommandRun.of("fill-mask", "--model", decoderRun.resolve("export").toString(), "a [MASK]");
        CommandRun missing = CommandRun.of("fill-mask", "--model", temp.resolve("nothing").toString(), "a [MASK]");

        assertThat(generate.exitCode()).isEqualTo(2);
        assertThat(generate.err()).contains("is an encoder");
        assertThat(fill.exitCode()).isEqualTo(2);
        assertThat(fill.err()).contains("is a decoder");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("--model").contains("is not a folder");
    }

    @Test
    void pluginsJsonListsEveryObjectiveStrategyAndBackendWithProperties() throws Exception {
        CommandRun r = CommandRun.of("plugins", "--json");

        assertThat(r.exitCode()).isZero();
        JsonNode p = JSON.readTree(r.out());
        assertThat(p.path("objectives").findValuesAsText("name")).contains("mlm", "clm", "nsp", "sop");
        assertThat(p.path("masking_strategies").findValuesAsText("name")).contains("bert", "whole-word", "span");
        assertThat(p.path("backends").findValuesAsText("name")).contains("onnx");
        for (JsonNode objective : p.path("objectives")) {
            assertThat(objective.path("properties").findValuesAsText("key")).contains("weight");
            assertThat(objective.path("description").asText()).isNotBlank();
        }
        JsonNode onnx = p.path("backends").get(0);
        assertThat(onnx.path("properties").findValuesAsText("key")).contains("threads");
    }
}

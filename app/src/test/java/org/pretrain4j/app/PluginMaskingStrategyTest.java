package org.pretrain4j.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pretrain4j.app.testing.CommandRun;
import org.pretrain4j.app.testing.PluginJars;
import org.pretrain4j.app.testing.TestCorpus;
import org.pretrain4j.train.JsonLinesMetricsWriter;

/**
 * A user's masking strategy, compiled here into a jar, is found through --plugins and drives
 * {@code mlm}: its positions are left visible, so the model learns to copy them and the held-out
 * accuracy far exceeds what BERT's 80/10/10 masking allows in the same steps.
 */
final class PluginMaskingStrategyTest {
    @Test
    void aMaskingStrategyFromAPluginJarIsListedAndTrainsMlm(@TempDir Path temp) throws Exception {
        Path plugins = temp.resolve("plugins");
        Files.createDirectories(plugins);
        PluginJars.build(plugins.resolve("every-nth.jar"),
                Map.of("com.example.everynth.EveryNthStrategyFactory", PluginJars.source("EveryNthStrategyFactory")),
                Map.of("org.pretrain4j.spi.MaskingStrategyFactory", "com.example.everynth.EveryNthStrategyFactory"));
        Path corpus = TestCorpus.write(temp.resolve("corpus.txt"), 60, 1);
        Path run = temp.resolve("run");

        CommandRun listing = CommandRun.of("plugins", "--plugins", plugins.toString());
        CommandRun training = CommandRun.of("train", "--plugins", plugins.toString(), "--objective", "mlm",
                "-p", "mlm.strategy=every-nth", "-p", "mlm.strategy.n=3",
                "--corpus", corpus.toString(), "--preset", "tiny", "--vocab-size", "200", "--steps", "60", "--batch-size", "8",
                "--seq", "32", "--learning-rate", "3e-3", "--warmup-steps", "4", "--eval-every", "60", "--eval-batches", "4",
                "--log-every", "10", "--threads", "1", "--validation-fraction", "0.1", "--dropout", "0",
                "--run-dir", run.toString(), "--no-export");
        CommandRun unknownKey = CommandRun.of("train", "--plugins", plugins.toString(), "--objective", "mlm",
                "-p", "mlm.strategy=every-nth", "-p", "mlm.strategy.m=3", "--corpus", corpus.toString(), "--steps", "1",
                "--run-dir", temp.resolve("bad").toString(), "--no-export");

        assertThat(listing.out()).contains("every-nth").contains("com.example.everynth.EveryNthStrategyFactory");
        assertThat(training.exitCode()).as(training.err()).isZero();
        List<JsonNode> evals = JsonLinesMetricsWriter.read(run.resolve("metrics.jsonl")).stream()
                .filter(r -> r.path("type").asText().equals("eval")).toList();
        assertThat(evals).hasSize(1);
        // Visible targets: copying them is right. BERT's strategy shows [MASK] for 80% of its targets.
        assertThat(evals.get(0).path("metrics").path("masked_lm_accuracy").asDouble()).isGreaterThan(0.9);
        assertThat(unknownKey.exitCode()).isNotZero();
        assertThat(unknownKey.err()).contains("Unknown property 'every-nth.m'").contains("Known: [n]");
    }
}

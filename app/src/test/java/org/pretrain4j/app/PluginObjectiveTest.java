package org.pretrain4j.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
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

/** A user's objective, compiled here into a jar, trains through --plugins without rebuilding the app. */
final class PluginObjectiveTest {
    static Path buildPlugin(Path folder) throws IOException {
        Files.createDirectories(folder);
        return PluginJars.build(folder.resolve("word-start.jar"),
                Map.of("com.example.wordstart.WordStartObjective", PluginJars.source("WordStartObjective"),
                        "com.example.wordstart.WordStartObjectiveFactory", PluginJars.source("WordStartObjectiveFactory")),
                Map.of("org.pretrain4j.spi.ObjectiveFactory", "com.example.wordstart.WordStartObjectiveFactory"));
    }

    @Test
    void anObjectiveFromAPluginJarTrainsAndLearns(@TempDir Path temp) throws Exception {
        Path plugins = temp.resolve("plugins");
        buildPlugin(plugins);
        Path corpus = TestCorpus.write(temp.resolve("corpus.txt"), 60, 1);
        Path run = temp.resolve("run");

        CommandRun listing = CommandRun.of("plugins", "--plugins", plugins.toString());
        CommandRun training = CommandRun.of("train", "--plugins", plugins.toString(), "--objective", "word-start",
                "--corpus", corpus.toString(), "--preset", "tiny", "--vocab-size", "200", "--steps", "40", "--batch-size", "8",
                "--seq", "32", "--learning-rate", "3e-3", "--warmup-steps", "4", "--eval-every", "20", "--eval-batches", "4",
                "--checkpoint-every", "20", "--log-every", "1", "--threads", "1", "--validation-fraction", "0.1",
                "--run-dir", run.toString(), "--no-export");

        assertThat(listing.out()).contains("word-start").contains("com.example.wordstart.WordStartObjectiveFactory");
        assertThat(training.exitCode()).as(training.err()).isZero();
        List<JsonNode> records = JsonLinesMetricsWriter.read(run.resolve("metrics.jsonl"));
        List<JsonNode> evals = records.stream().filter(r -> r.path("type").asText().equals("eval")).toList();
        assertThat(records.stream().filter(r -> r.path("type").asText().equals("train"))).hasSize(40);
        assertThat(evals).hasSize(2);
        double first = evals.get(0).path("metrics").path("word_start_loss").asDouble();
        double last = evals.get(1).path("metrics").path("word_start_loss").asDouble();
        assertThat(last).as("held-out loss after 20 and 40 steps").isLessThan(first);
        assertThat(evals.get(1).path("metrics").path("word_start_accuracy").asDouble()).isBetween(0.0, 1.0);
        assertThat(run.resolve("loss-word_start.png")).exists();
        assertThat(run.resolve("checkpoints").resolve("step-00000040")).isDirectory();
    }
}

package org.pretrain4j.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pretrain4j.app.testing.CommandRun;
import org.pretrain4j.app.testing.TestCorpus;
import org.pretrain4j.train.JsonLinesMetricsWriter;
import org.pretrain4j.train.checkpoint.CheckpointStore;

/**
 * A run killed with {@code kill -9} while it writes a checkpoint, then resumed with
 * {@code resume --run-dir}, repeats the losses of an uninterrupted {@code train} of the same configuration.
 */
final class KillAndResumeTest {
    private static Path config(Path corpus, Path file) throws java.io.IOException {
        return Files.writeString(file, """
                corpus: %s
                objective: mlm+nsp
                preset: tiny
                vocab-size: 200
                steps: 9
                batch-size: 4
                sequence-length: 32
                eval-every: 3
                eval-batches: 2
                checkpoint-every: 3
                log-every: 1
                threads: 1
                validation-fraction: 0.1
                """.formatted(corpus));
    }

    @Test
    void killedDuringACheckpointWriteAndResumedEqualsAnUninterruptedRun(@TempDir Path temp) throws Exception {
        Path corpus = TestCorpus.write(temp.resolve("corpus.txt"), 40, 5);
        Path whole = temp.resolve("whole");
        Path killed = temp.resolve("killed");
        Path pause = temp.resolve("pause");

        Path config = config(corpus, temp.resolve("run.yaml"));
        CommandRun uninterrupted = CommandRun.of("train", "--recipe", "none", "--config", config.toString(), "--run-dir",
                whole.toString(), "--no-export");
        assertThat(uninterrupted.exitCode()).as(uninterrupted.err()).isZero();

        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), PausedTrainMain.class.getName(), config.toString(),
                killed.toString(), pause.toString());
        Process child = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(temp.resolve("child.log").toFile()).start();
        try {
            // The step-3 checkpoint: let it complete.
            awaitFile(pause, child, temp);
            Files.delete(pause);
            // The step-6 checkpoint: kill the JVM with its files synced but not yet renamed into place.
            awaitFile(pause, child, temp);
            assertThat(Files.readString(pause)).contains(".tmp-step-00000006");
            child.destroyForcibly();
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }
        assertThat(child.exitValue()).isEqualTo(137);
        assertThat(new CheckpointStore(killed.resolve("checkpoints")).list()).extracting(p -> p.getFileName().toString())
                .containsExactly("step-00000003");

        CommandRun resumed = CommandRun.of("resume", "--run-dir", killed.toString(), "--no-export");

        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        List<JsonNode> expected = train(whole);
        List<JsonNode> actual = train(killed);
        assertThat(actual).hasSize(9);
        assertThat(expected).hasSize(9);
        for (int i = 0; i < 9; i++) {
            assertThat(actual.get(i).path("step").asLong()).isEqualTo(i + 1);
            assertThat(actual.get(i).path("loss").asDouble()).as("loss at step %d", i + 1)
                    .isCloseTo(expected.get(i).path("loss").asDouble(), within(1e-6));
        }
        assertThat(new CheckpointStore(killed.resolve("checkpoints")).list()).extracting(p -> p.getFileName().toString())
                .contains("step-00000009");
    }

    private static List<JsonNode> train(Path run) {
        return JsonLinesMetricsWriter.read(run.resolve(JsonLinesMetricsWriter.FILE_NAME)).stream()
                .filter(r -> r.path("type").asText().equals("train")).toList();
    }

    private static void awaitFile(Path file, Process child, Path temp) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (!Files.exists(file) || Files.size(file) == 0) {
            if (!child.isAlive()) {
                throw new AssertionError("the child exited with " + child.exitValue() + ":\n" + Files.readString(temp.resolve("child.log")));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no checkpoint pause within 180 s:\n" + Files.readString(temp.resolve("child.log")));
            }
            Thread.sleep(20);
        }
    }
}

package org.pretrain4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pretrain4j.train.checkpoint.CheckpointStore;

/**
 * Kills a training process with SIGKILL while it writes a checkpoint, resumes the run, and checks
 * every step's loss against the same run uninterrupted.
 */
final class CheckpointKillTest {
    private static final long TIMEOUT_NANOS = 120_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void killDuringACheckpointWriteThenResumeRepeatsTheUninterruptedLosses() throws Exception {
        Path run = dir.resolve("killed");
        Path signal = dir.resolve("pause-signal");
        Path log = dir.resolve("child.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                CheckpointKillMain.class.getName(), run.toString(), signal.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        Path partial;
        try {
            // The checkpoint after step 2 may complete; the one after step 4 is killed before its rename.
            assertThat(awaitPause(signal, child, log)).contains("step-00000002");
            Files.delete(signal);
            partial = Path.of(awaitPause(signal, child, log));
            assertThat(partial.getFileName().toString()).startsWith(".tmp-step-00000004");
            assertThat(partial.resolve(CheckpointStore.TENSORS)).exists();
            child.destroyForcibly();
            assertThat(child.waitFor()).as("exit status of a process killed with SIGKILL").isEqualTo(137);
        } finally {
            child.destroyForcibly();
        }

        CheckpointStore store = new CheckpointStore(run.resolve("checkpoints"));
        assertThat(store.list()).extracting(p -> p.getFileName().toString()).containsExactly("step-00000002");
        assertThat(Files.readString(store.directory().resolve(CheckpointStore.LATEST)).trim()).isEqualTo("step-00000002");
        assertThat(partial).exists();
        Map<Long, Double> beforeKill = trainLosses(run);
        assertThat(beforeKill.keySet()).containsExactly(1L, 2L, 3L, 4L);

        TrainingResult resumed = CheckpointKillMain.trainer(run).build().resume();
        assertThat(resumed.steps()).isEqualTo(10);
        assertThat(partial).doesNotExist();
        Path whole = dir.resolve("whole");
        CheckpointKillMain.trainer(whole).build().train();

        Map<Long, Double> expected = trainLosses(whole);
        Map<Long, Double> actual = trainLosses(run);
        assertThat(expected).hasSize(10);
        assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
        for (long step = 1; step <= 10; step++) {
            assertThat(actual.get(step)).as("step %d after resume", step).isCloseTo(expected.get(step), within(1e-6));
            if (step <= 4) {
                assertThat(beforeKill.get(step)).as("step %d in the killed process", step).isCloseTo(expected.get(step), within(1e-6));
            }
        }
        try (Stream<Path> left = Files.list(store.directory())) {
            assertThat(left.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly("latest", "step-00000008", "step-00000010");
        }
    }

    private static String awaitPause(Path signal, Process child, Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT_NANOS;
        while (System.nanoTime() < deadline) {
            if (Files.exists(signal)) {
                String content = Files.readString(signal, StandardCharsets.UTF_8);
                if (!content.isEmpty()) {
                    return content;
                }
            }
            if (!child.isAlive()) {
                throw new AssertionError("the training process ended (status " + child.exitValue() + ") before pausing:\n"
                        + Files.readString(log));
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the training process did not pause in a checkpoint write in time:\n" + Files.readString(log));
    }

    private static Map<Long, Double> trainLosses(Path run) {
        Map<Long, Double> losses = new LinkedHashMap<>();
        List<JsonNode> records = JsonLinesMetricsWriter.read(run.resolve(JsonLinesMetricsWriter.FILE_NAME));
        for (JsonNode r : records) {
            if (r.get("type").asText().equals("train")) {
                losses.put(r.get("step").asLong(), r.get("loss").asDouble());
            }
        }
        return losses;
    }
}

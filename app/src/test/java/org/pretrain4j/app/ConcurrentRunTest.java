package org.pretrain4j.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pretrain4j.app.run.RunLock;
import org.pretrain4j.app.testing.CommandRun;
import org.pretrain4j.app.testing.TestCorpus;
import org.pretrain4j.train.JsonLinesMetricsWriter;

/**
 * Two processes on one run folder: while a {@code train} runs in a child JVM, {@code resume},
 * {@code train}, {@code evaluate} and {@code export} on the same folder fail at once naming it, and
 * the running one's metrics stay whole.
 */
final class ConcurrentRunTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aSecondProcessIsRefusedAndTheFirstOnesMetricsStayIntact(@TempDir Path temp) throws Exception {
        Path corpus = TestCorpus.write(temp.resolve("corpus.txt"), 40, 5);
        Path run = temp.resolve("run");
        List<String> trainArgs = List.of("train", "--corpus", corpus.toString(), "--objective", "mlm", "--preset", "tiny",
                "--vocab-size", "200", "--steps", "100000", "--batch-size", "2", "--seq", "16", "--eval-every", "5",
                "--eval-batches", "1", "--checkpoint-every", "5", "--log-every", "1", "--threads", "1",
                "--validation-fraction", "0.1", "--run-dir", run.toString(), "--no-export");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(trainArgs);
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(temp.resolve("child.log").toFile()).start();
        try {
            awaitCheckpoint(run, child, temp);
            String holder = "process " + child.pid() + " on ";

            CommandRun resume = CommandRun.of("resume", "--run-dir", run.toString(), "--no-export");
            CommandRun train = CommandRun.of(trainArgs.toArray(String[]::new));
            CommandRun evaluate = CommandRun.of("evaluate", "--run-dir", run.toString());
            CommandRun export = CommandRun.of("export", "--run-dir", run.toString(), "--output", temp.resolve("out").toString());

            for (CommandRun r : List.of(resume, train, evaluate, export)) {
                assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
                assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
                assertThat(r.err()).contains("is in use by " + holder).contains("(train since ");
            }
            assertThat(temp.resolve("out")).doesNotExist();
            assertThat(child.isAlive()).as("the first process keeps running").isTrue();
        } finally {
            // SIGTERM: the first run stops after its step with a checkpoint, as on Ctrl-C.
            child.destroy();
            if (!child.waitFor(120, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
        List<String> lines = Files.readAllLines(run.resolve(JsonLinesMetricsWriter.FILE_NAME));
        List<Long> steps = new ArrayList<>();
        for (String line : lines) {
            JsonNode record = JSON.readTree(line);
            assertThat(record.isObject()).as(line).isTrue();
            if (record.path("type").asText().equals("train")) {
                steps.add(record.path("step").asLong());
            }
        }
        assertThat(steps).isNotEmpty();
        for (int i = 0; i < steps.size(); i++) {
            assertThat(steps.get(i)).as("train steps are 1, 2, 3, ... written by one process").isEqualTo(i + 1L);
        }

        CommandRun resumed = CommandRun.of("resume", "--run-dir", run.toString(), "--steps", Long.toString(steps.size() + 2),
                "--no-export");
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(resumed.err()).as("SIGTERM is a clean exit, not a crash to report").doesNotContain("Taking over");
        assertThat(run.resolve(RunLock.FILE_NAME)).isEmptyFile();
    }

    private static void awaitCheckpoint(Path run, Process child, Path temp) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (!Files.isDirectory(run.resolve("checkpoints").resolve("step-00000005"))) {
            if (!child.isAlive()) {
                throw new AssertionError("the child exited with " + child.exitValue() + ":\n" + Files.readString(temp.resolve("child.log")));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no checkpoint within 240 s:\n" + Files.readString(temp.resolve("child.log")));
            }
            Thread.sleep(50);
        }
    }
}

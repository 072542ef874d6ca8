package org.pretrain4j.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pretrain4j.app.testing.TestCorpus;

/**
 * The command line needs no large stack of its own: ONNX Runtime's deep native recursions (loading,
 * session creation for training and inference) run on the onnx backend's large-stack thread. A
 * child JVM with a 1 MiB main-thread stack, as {@code java -jar} gives, trains, exports and fills a mask.
 */
final class DefaultStackTest {
    @TempDir
    Path temp;

    @Test
    void trainExportAndFillMaskRunOnA1MiBMainThreadStack() throws Exception {
        Path corpus = TestCorpus.write(temp.resolve("corpus.txt"), 30, 5);
        Path run = temp.resolve("run");
        Path log = temp.resolve("child.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-Xss1m", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "train", "--corpus", corpus.toString(), "--preset", "tiny", "--vocab-size", "200", "--steps", "2",
                "--batch-size", "4", "--seq", "32", "--eval-batches", "1", "--threads", "1", "--validation-fraction", "0.1",
                "--example", "The council [MASK] the proposal today.", "--run-dir", run.toString());
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(child.waitFor(5, TimeUnit.MINUTES)).isTrue();
        String output = Files.readString(log);
        assertThat(child.exitValue()).as(output).isZero();
        assertThat(run.resolve("export").resolve("onnx").resolve("model.onnx")).exists();
        assertThat(output).contains("Trained to step 2").contains("The council [MASK] the proposal today.");
    }
}

package org.pretrain4j.app.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pretrain4j.app.UserException;
import org.pretrain4j.train.NonFiniteLossException;
import org.pretrain4j.train.checkpoint.CheckpointException;

/** The advice of each failure names a command or option that exists and fits the case (one test per hint). */
final class RunFoldersHintTest {
    private static String failure(RuntimeException thrown, Path run) {
        try {
            RunFolders.translate(() -> {
                throw thrown;
            }, run);
        } catch (UserException e) {
            return e.getMessage();
        }
        throw new AssertionError("no UserException");
    }

    @Test
    void aFullDiskDuringACheckpointSaysTheCheckpointsAreIntactAndHowToContinue(@TempDir Path run) throws IOException {
        Files.createDirectories(run.resolve("checkpoints").resolve("step-00000020"));
        CheckpointException full = CheckpointException.writeFailed("Cannot write checkpoint " + run + "/checkpoints/step-00000040: "
                + "No space left on device", new IOException("No space left on device"));

        String message = failure(full, run);

        assertThat(message).contains("No space left on device").contains("intact (newest step-00000020)")
                .contains("free space on its device").contains("'resume --run-dir " + run + "'")
                .doesNotContain("Delete").doesNotContain("damaged");
    }

    @Test
    void aWriteFailureBeforeAnyCheckpointSaysToTrainAgain(@TempDir Path run) {
        String message = failure(CheckpointException.writeFailed("Cannot write checkpoint x: permission denied", new IOException("x")), run);

        assertThat(message).contains("No checkpoint was written yet").contains("train again").doesNotContain("resume");
    }

    @Test
    void aDamagedCheckpointWithAnIntactOlderOneSuggestsFallBack(@TempDir Path run) {
        CheckpointException damaged = CheckpointException.damaged("Checkpoint file step-00000004/tensors.bin is damaged. The older "
                + "checkpoint step-00000002 is intact.", null, run.resolve("checkpoints/step-00000002"));

        assertThat(failure(damaged, run)).contains("'resume --run-dir " + run + " --fall-back'").contains("step-00000002");
    }

    @Test
    void aDamagedCheckpointWithoutAnIntactOlderOneSaysTheRunCannotContinue(@TempDir Path run) {
        CheckpointException damaged = CheckpointException.damaged("Checkpoint file step-00000004/tensors.bin is damaged. No older "
                + "checkpoint is intact either.", null, null);

        assertThat(failure(damaged, run)).contains("cannot continue").contains("'train' and another --run-dir")
                .doesNotContain("--fall-back").doesNotContain("older checkpoint exists");
    }

    @Test
    void aNonFiniteLossNamesTheTrainOptionsNotAResumeThatWouldRepeatIt(@TempDir Path run) {
        String message = failure(new NonFiniteLossException(7, "masked_lm", "masked_lm loss is NaN", Optional.empty()), run);

        assertThat(message).contains("--lr").contains("--warmup-steps").contains("'train'").contains("would repeat")
                .doesNotContain("then resume");
    }

    @Test
    void aMetricsFileThatCannotBeWrittenSaysWhyAndWhatIsSafe(@TempDir Path run) {
        UncheckedIOException io = new UncheckedIOException("Cannot write metrics file " + run + "/metrics.jsonl: No space left on device",
                new IOException("No space left on device"));

        assertThat(failure(io, run)).contains("No space left on device").contains("No checkpoint was written yet");
    }

    @Test
    void otherFailuresPassThroughUnchanged(@TempDir Path run) {
        assertThatThrownBy(() -> RunFolders.translate(() -> {
            throw new IllegalStateException("a bug");
        }, run)).isInstanceOf(IllegalStateException.class);
    }
}

package org.pretrain4j.testkit;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.pretrain4j.train.checkpoint.CheckpointStore;
import org.pretrain4j.train.TrainingListener;

/**
 * Holds every checkpoint write between its synced temporary folder and the rename, so that a crash
 * test can kill the process there: writes the temporary folder's path into {@code signal} and waits
 * until the test deletes it. As a {@link TrainingListener} for a trainer or the library API, or as a
 * {@link CheckpointStore.BeforeCommit} for a store.
 */
public final class CheckpointPause implements TrainingListener, CheckpointStore.BeforeCommit {
    private final Path signal;

    public CheckpointPause(Path signal) {
        this.signal = requireNonNull(signal, "signal is null");
    }

    @Override
    public void beforeCheckpointCommit(Path temporary) throws IOException {
        beforeCommit(temporary);
    }

    @Override
    public void beforeCommit(Path temporary) throws IOException {
        Path staging = signal.resolveSibling(signal.getFileName() + ".staging");
        Files.writeString(staging, temporary.toString(), StandardCharsets.UTF_8);
        Files.move(staging, signal, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        while (Files.exists(signal)) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while paused before committing " + temporary, e);
            }
        }
    }
}

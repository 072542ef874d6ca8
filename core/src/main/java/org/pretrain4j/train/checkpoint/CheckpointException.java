package org.pretrain4j.train.checkpoint;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A checkpoint could not be written, or a checkpoint file is missing or damaged; the message names
 * the file and why. It says which of the two it is, and for a damaged one whether an older
 * checkpoint is intact, so that a caller's advice fits the case.
 */
public final class CheckpointException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean writeFailure;
    private final transient Path intactOlder;

    public CheckpointException(String message) {
        this(message, null);
    }

    public CheckpointException(String message, Throwable cause) {
        this(message, cause, false, null);
    }

    private CheckpointException(String message, Throwable cause, boolean writeFailure, Path intactOlder) {
        super(message, cause);
        this.writeFailure = writeFailure;
        this.intactOlder = intactOlder;
    }

    /** A failure to write a checkpoint: the checkpoints already written are untouched. */
    public static CheckpointException writeFailed(String message, Throwable cause) {
        return new CheckpointException(message, cause, true, null);
    }

    /** A damaged checkpoint, with the newest older one whose checksums verify (nullable). */
    public static CheckpointException damaged(String message, Throwable cause, Path intactOlder) {
        return new CheckpointException(message, cause, false, intactOlder);
    }

    /** True when writing failed; false when a checkpoint that exists is missing files or damaged. */
    public boolean writeFailure() {
        return writeFailure;
    }

    /** For a damaged checkpoint: the newest older checkpoint that verifies, if any was checked and found. */
    public Optional<Path> intactOlder() {
        return Optional.ofNullable(intactOlder);
    }
}

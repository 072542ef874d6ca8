package org.pretrain4j.train.checkpoint;

/** A checkpoint could not be written, or a checkpoint file is missing or damaged; the message names the file and why. */
public final class CheckpointException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}

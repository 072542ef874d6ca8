package org.pretrain4j.train;

/** The run cannot go on: bad data, a configuration that does not fit the programs, or a numeric failure. */
public class TrainingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TrainingException(String message) {
        super(message);
    }

    public TrainingException(String message, Throwable cause) {
        super(message, cause);
    }
}

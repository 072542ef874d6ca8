package org.pretrain4j.data;

/** A corpus that cannot be read as asked: the message names the file (and line or byte offset) and the problem. */
public final class CorpusException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CorpusException(String message) {
        super(message);
    }

    public CorpusException(String message, Throwable cause) {
        super(message, cause);
    }
}

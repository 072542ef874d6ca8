package org.pretrain4j.weights;

import java.nio.file.Path;

/** A damaged or unsupported weight file; the message is one line naming the file and the problem. */
public final class WeightFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public WeightFormatException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public WeightFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}

package org.pretrain4j.text;

import java.io.IOException;
import java.nio.file.Path;

/** A tokenizer file that cannot be used: the message names the file, and where known the line, column or JSON field. */
public final class TokenizerFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public TokenizerFormatException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public TokenizerFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}

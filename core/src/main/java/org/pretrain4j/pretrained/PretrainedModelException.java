package org.pretrain4j.pretrained;

import java.nio.file.Path;

/** A model folder that cannot be used: the message is one line naming the file and the problem. */
public final class PretrainedModelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PretrainedModelException(Path file, String problem) {
        super(file + ": " + problem);
    }
}

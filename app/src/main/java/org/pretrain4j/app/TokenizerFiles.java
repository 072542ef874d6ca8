package org.pretrain4j.app;

import java.nio.file.Path;
import org.pretrain4j.text.Tokenizer;

/** Loads tokenizer files for the app, turning the library's failures into one-line user errors. */
public final class TokenizerFiles {
    private TokenizerFiles() {}

    /** Loads a Hugging Face tokenizer.json or a BERT vocab.txt. */
    public static Tokenizer load(Path file) {
        return org.pretrain4j.app.run.RunData.load(file, "--tokenizer");
    }
}

package org.pretrain4j.app.run;

import java.nio.file.Path;
import org.pretrain4j.app.UserException;
import org.pretrain4j.text.Tokenizer;

/** Trains tokenizers from a corpus for the {@code tokenizer train} command and for runs without a tokenizer. */
public final class TokenizerTraining {
    /** Trains a tokenizer of {@code type} ("wordpiece" or "bpe") and writes it to {@code output}. */
    public Tokenizer train(String type, int vocabSize, String corpus, String corpusFormat, String textField,
            boolean allLanguages, boolean lowercase, Path output) {
        throw UserException.runtime("Tokenizer training is not wired yet.");
    }
}

package org.pretrain4j.data;

import static java.util.Objects.requireNonNull;

import org.pretrain4j.text.Tokenizer;

/**
 * A re-readable source of tokenized documents, what the example builders consume: text tokenized
 * as it streams by ({@link #of(Corpus, Tokenizer)}) or token ids stored ahead of time (a prepared
 * dataset). Each {@link #open()} reads the documents again from the start, in the same order, so two
 * corpora holding the same documents give the same examples. Implementations are immutable.
 */
public interface TokenizedCorpus {
    /** A short name for messages (a path, "europarl-sample[en]"). */
    String name();

    /** Opens a new pass over the documents; failures are {@link CorpusException}s naming the file. */
    TokenizedReader open();

    /**
     * The training or validation part, split by document exactly as {@link Corpus#split}: the index
     * counts every document of the text that had non-blank text, including those whose sentences
     * all tokenize to nothing, so the split of a prepared dataset equals the split of its text.
     */
    TokenizedCorpus split(long seed, double validationFraction, boolean validation);

    /** The documents of {@code corpus} tokenized with {@code tokenizer} as they stream by. */
    static TokenizedCorpus of(Corpus corpus, Tokenizer tokenizer) {
        requireNonNull(corpus, "corpus is null");
        requireNonNull(tokenizer, "tokenizer is null");
        return new TokenizedCorpus() {
            @Override
            public String name() {
                return corpus.name();
            }

            @Override
            public TokenizedReader open() {
                return new TokenizingReader(corpus, tokenizer, false);
            }

            @Override
            public TokenizedCorpus split(long seed, double validationFraction, boolean validation) {
                return of(corpus.split(seed, validationFraction, validation), tokenizer);
            }
        };
    }
}

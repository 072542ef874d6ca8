package org.pretrain4j.data;

import static java.util.Objects.requireNonNull;

/**
 * A document's sentences as token ids (no special tokens) with word-start flags, sentences
 * without tokens left out. Arrays are owned; do not mutate.
 */
public record TokenizedDocument(String source, int[][] sentences, boolean[][] wordStarts) {
    public TokenizedDocument {
        requireNonNull(source, "source is null");
        if (sentences.length != wordStarts.length) {
            throw new IllegalArgumentException("sentences and wordStarts differ in length");
        }
    }

    /** Number of sentences. */
    public int size() {
        return sentences.length;
    }

    /** Number of tokens over all sentences. */
    public int tokens() {
        int n = 0;
        for (int[] s : sentences) {
            n += s.length;
        }
        return n;
    }
}

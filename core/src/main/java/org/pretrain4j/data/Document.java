package org.pretrain4j.data;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One document of a corpus: where it came from (file and line, for messages) and its sentences
 * in order, none empty. Immutable.
 */
public record Document(String source, List<String> sentences) {
    public Document {
        requireNonNull(source, "source is null");
        sentences = List.copyOf(sentences);
    }

    /** Number of characters over all sentences. */
    public long characters() {
        long n = 0;
        for (String s : sentences) {
            n += s.length();
        }
        return n;
    }
}

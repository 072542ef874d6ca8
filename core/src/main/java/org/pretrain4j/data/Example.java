package org.pretrain4j.data;

import java.util.Arrays;

/**
 * One training example as an example builder lays it out, before any objective prepares it.
 *
 * <p>{@code tokens} already contains the special tokens of the layout ([CLS], [SEP], end of text).
 * {@code special[i]} marks positions an objective may never select (special tokens);
 * {@code wordStarts[i]} is true where a token begins a new word (whole-word and span masking);
 * {@code segments} are the token type ids (0 for A, 1 for B); {@code pairLabel} is the label of a
 * sentence-pair layout (NSP: 0 = B is the real next segment, 1 = random; SOP: 0 = in order,
 * 1 = swapped) or -1 when the layout has none. {@code index} is the example's position in its
 * epoch, the key of its random source. Arrays are owned by the example; do not mutate.
 */
public record Example(long index, int[] tokens, int[] segments, boolean[] special, boolean[] wordStarts, int pairLabel) {
    public Example {
        int n = tokens.length;
        if (segments.length != n || special.length != n || wordStarts.length != n) {
            throw new IllegalArgumentException("example arrays differ in length: tokens " + n + ", segments "
                    + segments.length + ", special " + special.length + ", wordStarts " + wordStarts.length);
        }
    }

    /** Number of tokens. */
    public int length() {
        return tokens.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Example e && index == e.index && pairLabel == e.pairLabel
                && Arrays.equals(tokens, e.tokens) && Arrays.equals(segments, e.segments)
                && Arrays.equals(special, e.special) && Arrays.equals(wordStarts, e.wordStarts);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(index) * 31 + Arrays.hashCode(tokens);
    }

    @Override
    public String toString() {
        return "Example[index=" + index + ", tokens=" + Arrays.toString(tokens) + ", segments="
                + Arrays.toString(segments) + ", pairLabel=" + pairLabel + "]";
    }
}

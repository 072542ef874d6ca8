package org.pretrain4j.data;

import java.util.Arrays;

/** Growable token, word-start and special arrays of one example being laid out. Not thread-safe. */
final class BlockBuilder {
    int[] tokens;
    boolean[] wordStarts;
    boolean[] special;
    int size;

    BlockBuilder(int capacity) {
        tokens = new int[Math.max(capacity, 4)];
        wordStarts = new boolean[tokens.length];
        special = new boolean[tokens.length];
    }

    void add(int token, boolean wordStart, boolean isSpecial) {
        if (size == tokens.length) {
            int n = size * 2;
            tokens = Arrays.copyOf(tokens, n);
            wordStarts = Arrays.copyOf(wordStarts, n);
            special = Arrays.copyOf(special, n);
        }
        tokens[size] = token;
        wordStarts[size] = wordStart;
        special[size] = isSpecial;
        size++;
    }

    void addSpecial(int token) {
        add(token, true, true);
    }

    void clear() {
        size = 0;
    }

    Example build(long index, int pairLabel, int[] segments) {
        return new Example(index, Arrays.copyOf(tokens, size), segments == null ? new int[size] : segments,
                Arrays.copyOf(special, size), Arrays.copyOf(wordStarts, size), pairLabel);
    }
}

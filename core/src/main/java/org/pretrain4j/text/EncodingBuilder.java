package org.pretrain4j.text;

import java.util.Arrays;

/** Growable arrays for one {@link Encoding}. Not thread-safe. */
final class EncodingBuilder {
    private int[] ids;
    private int[] starts;
    private int[] ends;
    private boolean[] wordStarts;
    private int size;

    EncodingBuilder(int capacity) {
        int n = Math.max(capacity, 8);
        ids = new int[n];
        starts = new int[n];
        ends = new int[n];
        wordStarts = new boolean[n];
    }

    void add(int id, int start, int end, boolean wordStart) {
        if (size == ids.length) {
            int n = size * 2;
            ids = Arrays.copyOf(ids, n);
            starts = Arrays.copyOf(starts, n);
            ends = Arrays.copyOf(ends, n);
            wordStarts = Arrays.copyOf(wordStarts, n);
        }
        ids[size] = id;
        starts[size] = start;
        ends[size] = end;
        wordStarts[size] = wordStart;
        size++;
    }

    void addAll(Encoding e) {
        for (int i = 0; i < e.length(); i++) {
            add(e.ids()[i], e.starts()[i], e.ends()[i], e.wordStarts()[i]);
        }
    }

    int size() {
        return size;
    }

    Encoding build() {
        return new Encoding(Arrays.copyOf(ids, size), Arrays.copyOf(starts, size), Arrays.copyOf(ends, size),
                Arrays.copyOf(wordStarts, size));
    }
}

package org.pretrain4j.text;

import java.util.Arrays;

/**
 * Normalized code points, each aligned to the range {@code [start, end)} (UTF-16 indices) of the
 * original character it came from. Reused by one thread; not thread-safe.
 */
final class NormalizedText {
    int[] codePoints = new int[64];
    int[] starts = new int[64];
    int[] ends = new int[64];
    int size;

    void clear() {
        size = 0;
    }

    void add(int codePoint, int start, int end) {
        if (size == codePoints.length) {
            int n = size * 2;
            codePoints = Arrays.copyOf(codePoints, n);
            starts = Arrays.copyOf(starts, n);
            ends = Arrays.copyOf(ends, n);
        }
        codePoints[size] = codePoint;
        starts[size] = start;
        ends[size] = end;
        size++;
    }

    String substring(int from, int to) {
        StringBuilder sb = new StringBuilder(to - from + 4);
        for (int i = from; i < to; i++) {
            sb.appendCodePoint(codePoints[i]);
        }
        return sb.toString();
    }
}

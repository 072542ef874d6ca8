package org.pretrain4j.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.BinaryOperator;

/**
 * The merge loop shared by both trainers: words (as symbol-id sequences) with their corpus
 * frequencies, pair frequencies counted once over the word table, then the most frequent pair
 * merged again and again. After each merge only the words that contain the pair are rescanned,
 * and only the pairs they touch change count; stale heap entries are refreshed when popped.
 * Ties go to the pair whose symbols come first (lower ids), so training is deterministic.
 */
final class PairMerger {
    private final List<String> symbols;
    private final Map<String, Integer> symbolIds;
    private final int[][] words;
    private final long[] counts;
    private final int[] lengths;
    private final BinaryOperator<String> joiner;
    private final LongLongMap pairCounts = new LongLongMap(1 << 16);
    private final Map<Long, IntList> pairWords = new HashMap<>();
    private final List<int[]> merges = new ArrayList<>();

    PairMerger(List<String> initialSymbols, int[][] words, long[] counts, BinaryOperator<String> joiner) {
        this.symbols = new ArrayList<>(initialSymbols);
        this.symbolIds = new HashMap<>();
        for (int i = 0; i < symbols.size(); i++) {
            symbolIds.put(symbols.get(i), i);
        }
        this.words = words;
        this.counts = counts;
        this.joiner = joiner;
        this.lengths = new int[words.length];
        for (int w = 0; w < words.length; w++) {
            lengths[w] = words[w].length;
        }
    }

    List<String> symbols() {
        return symbols;
    }

    /** Merges as pairs of symbol ids, in order. */
    List<int[]> merges() {
        return merges;
    }

    private static long key(int a, int b) {
        return ((long) a << 32) | (b & 0xFFFFFFFFL);
    }

    /** Runs merges until there are {@code targetSymbols} symbols or no pair occurs {@code minFrequency} times. */
    void run(int targetSymbols, long minFrequency) {
        for (int w = 0; w < words.length; w++) {
            int[] word = words[w];
            for (int k = 0; k + 1 < lengths[w]; k++) {
                long p = key(word[k], word[k + 1]);
                pairCounts.add(p, counts[w]);
                pairWords.computeIfAbsent(p, x -> new IntList()).addUnlessLast(w);
            }
        }
        // Entries: {count, pair}; highest count first, then lowest pair.
        PriorityQueue<long[]> queue = new PriorityQueue<>((x, y) -> x[0] != y[0] ? Long.compare(y[0], x[0]) : Long.compare(x[1], y[1]));
        pairCounts.forEach((p, c) -> {
            if (c > 0) {
                queue.add(new long[] {c, p});
            }
        });
        int[] stamp = new int[words.length];
        Arrays.fill(stamp, -1);
        LongLongMap touched = new LongLongMap(64);
        while (symbols.size() < targetSymbols && !queue.isEmpty()) {
            long[] top = queue.poll();
            long current = pairCounts.get(top[1]);
            if (current != top[0]) {
                if (current > 0) {
                    queue.add(new long[] {current, top[1]});
                }
                continue;
            }
            if (current < minFrequency || current <= 0) {
                break;
            }
            int a = (int) (top[1] >>> 32);
            int b = (int) top[1];
            String merged = joiner.apply(symbols.get(a), symbols.get(b));
            Integer existing = symbolIds.get(merged);
            int newId;
            if (existing != null) {
                newId = existing;
            } else {
                newId = symbols.size();
                symbols.add(merged);
                symbolIds.put(merged, newId);
            }
            merges.add(new int[] {a, b, newId});
            int mergeIndex = merges.size() - 1;
            touched.clear();
            IntList where = pairWords.remove(top[1]);
            for (int i = 0; i < where.size; i++) {
                int w = where.values[i];
                if (stamp[w] == mergeIndex) {
                    continue;
                }
                stamp[w] = mergeIndex;
                mergeWord(w, a, b, newId, touched);
            }
            pairCounts.put(top[1], 0);
            touched.forEach((p, unused) -> {
                long c = pairCounts.get(p);
                if (c > 0) {
                    queue.add(new long[] {c, p});
                }
            });
        }
    }

    /**
     * Replaces each (a, b) of word w, left to right, and updates only the pairs around each
     * replacement: (prev, a), (a, b) and (b, next) lose the word's count, (prev, new) and (new, next)
     * gain it, where prev is read from the rewritten part so that adjacent replacements cancel out.
     */
    private void mergeWord(int w, int a, int b, int newId, LongLongMap touched) {
        int[] word = words[w];
        int n = lengths[w];
        long c = counts[w];
        int out = 0;
        int k = 0;
        boolean changed = false;
        while (k < n) {
            if (k + 1 < n && word[k] == a && word[k + 1] == b) {
                changed = true;
                pairCounts.add(key(a, b), -c);
                if (out > 0) {
                    int prev = word[out - 1];
                    pairCounts.add(key(prev, a), -c);
                    long p = key(prev, newId);
                    pairCounts.add(p, c);
                    pairWords.computeIfAbsent(p, x -> new IntList()).addUnlessLast(w);
                    touched.put(p, 1);
                }
                if (k + 2 < n) {
                    int next = word[k + 2];
                    pairCounts.add(key(b, next), -c);
                    long p = key(newId, next);
                    pairCounts.add(p, c);
                    pairWords.computeIfAbsent(p, x -> new IntList()).addUnlessLast(w);
                    touched.put(p, 1);
                }
                word[out++] = newId;
                k += 2;
            } else {
                word[out++] = word[k++];
            }
        }
        if (changed) {
            lengths[w] = out;
        }
    }

    /** A growable int array. */
    static final class IntList {
        int[] values = new int[4];
        int size;

        void addUnlessLast(int v) {
            if (size > 0 && values[size - 1] == v) {
                return;
            }
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }
    }

    /** Open-addressing long to long map (no boxing in the hot loop). */
    static final class LongLongMap {
        private static final long EMPTY = Long.MIN_VALUE;
        private long[] keys;
        private long[] vals;
        private int size;

        LongLongMap(int capacity) {
            int n = Integer.highestOneBit(Math.max(capacity, 16) * 2 - 1);
            keys = new long[n];
            vals = new long[n];
            Arrays.fill(keys, EMPTY);
        }

        private int slot(long k) {
            long h = k * 0x9E3779B97F4A7C15L;
            return (int) (h ^ (h >>> 29)) & (keys.length - 1);
        }

        long get(long k) {
            int i = slot(k);
            while (keys[i] != EMPTY) {
                if (keys[i] == k) {
                    return vals[i];
                }
                i = (i + 1) & (keys.length - 1);
            }
            return 0;
        }

        void add(long k, long delta) {
            int i = slot(k);
            while (keys[i] != EMPTY) {
                if (keys[i] == k) {
                    vals[i] += delta;
                    return;
                }
                i = (i + 1) & (keys.length - 1);
            }
            keys[i] = k;
            vals[i] = delta;
            if (++size * 2 > keys.length) {
                grow();
            }
        }

        void put(long k, long v) {
            int i = slot(k);
            while (keys[i] != EMPTY) {
                if (keys[i] == k) {
                    vals[i] = v;
                    return;
                }
                i = (i + 1) & (keys.length - 1);
            }
            keys[i] = k;
            vals[i] = v;
            if (++size * 2 > keys.length) {
                grow();
            }
        }

        void clear() {
            if (size > 0) {
                Arrays.fill(keys, EMPTY);
                size = 0;
            }
        }

        interface Visitor {
            void visit(long key, long value);
        }

        void forEach(Visitor v) {
            for (int i = 0; i < keys.length; i++) {
                if (keys[i] != EMPTY) {
                    v.visit(keys[i], vals[i]);
                }
            }
        }

        private void grow() {
            long[] oldKeys = keys;
            long[] oldVals = vals;
            keys = new long[oldKeys.length * 2];
            vals = new long[oldKeys.length * 2];
            Arrays.fill(keys, EMPTY);
            size = 0;
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldKeys[i] != EMPTY) {
                    put(oldKeys[i], oldVals[i]);
                }
            }
        }
    }
}

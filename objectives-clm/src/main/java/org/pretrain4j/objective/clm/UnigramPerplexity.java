package org.pretrain4j.objective.clm;

import org.pretrain4j.data.Example;

/**
 * The baseline a causal LM must beat: the perplexity of the maximum-likelihood unigram model of a
 * split, fitted on that split's own targets (the same next-token targets {@code clm} trains on, end
 * of text included), i.e. {@code exp(-sum c log(c / N) / N)}. No unigram model does better on the
 * split, so "held-out perplexity at most half of it" is a fair learning check. Not thread-safe.
 */
public final class UnigramPerplexity {
    private final long[] counts;
    private long total;

    public UnigramPerplexity(int vocabularySize) {
        if (vocabularySize <= 0) {
            throw new IllegalArgumentException("vocabulary size must be positive: " + vocabularySize);
        }
        counts = new long[vocabularySize];
    }

    /** Counts the example's targets: every token but the first (the last position predicts nothing in the block). */
    public void add(Example example) {
        int[] tokens = example.tokens();
        for (int i = 1; i < tokens.length; i++) {
            int id = tokens[i];
            if (id < 0 || id >= counts.length) {
                throw new IllegalArgumentException("token id " + id + " outside the vocabulary of " + counts.length);
            }
            counts[id]++;
            total++;
        }
    }

    /** Targets counted so far. */
    public long targets() {
        return total;
    }

    /** Entropy of the counted targets, in nats per token; NaN when nothing was counted. */
    public double entropy() {
        if (total == 0) {
            return Double.NaN;
        }
        double h = 0;
        for (long c : counts) {
            if (c > 0) {
                double p = (double) c / total;
                h -= p * Math.log(p);
            }
        }
        return h;
    }

    /** {@code exp(entropy)}, comparable with {@code causal_lm_perplexity}. */
    public double perplexity() {
        return Math.exp(entropy());
    }
}

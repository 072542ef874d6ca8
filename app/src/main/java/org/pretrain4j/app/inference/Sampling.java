package org.pretrain4j.app.inference;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * How the next token is chosen from a row of logits: greedy (temperature 0), or sampled after
 * dividing by {@code temperature} and keeping the {@code topK} most likely tokens (0 = all) and the
 * smallest set whose probability reaches {@code topP} (1 = all).
 */
public record Sampling(double temperature, int topK, double topP, long seed) {
    public Sampling {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("--temperature must be 0 (greedy) or positive, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("--top-k must be 0 (off) or positive, got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("--top-p must be in (0, 1], got " + topP);
        }
    }

    /** Always the most likely token. */
    public static Sampling greedy() {
        return new Sampling(0, 0, 1, 0);
    }

    public boolean isGreedy() {
        return temperature == 0;
    }

    /** The probabilities this sampling draws from (all zeros except the kept tokens), from raw logits. */
    public double[] distribution(float[] logits) {
        int n = logits.length;
        double[] p = new double[n];
        if (isGreedy()) {
            p[argmax(logits)] = 1;
            return p;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l / temperature);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            p[i] = Math.exp(logits[i] / temperature - max);
            sum += p[i];
        }
        for (int i = 0; i < n; i++) {
            p[i] /= sum;
        }
        Integer[] order = null;
        if (topK > 0 && topK < n) {
            order = byDescending(p);
            for (int r = topK; r < n; r++) {
                p[order[r]] = 0;
            }
        }
        if (topP < 1) {
            if (order == null) {
                order = byDescending(p);
            }
            double kept = 0;
            double total = 0;
            for (double v : p) {
                total += v;
            }
            int r = 0;
            // Keep tokens until their share of what is left reaches topP; the first one always stays.
            for (; r < n && p[order[r]] > 0; r++) {
                kept += p[order[r]];
                if (kept / total >= topP) {
                    r++;
                    break;
                }
            }
            for (; r < n; r++) {
                p[order[r]] = 0;
            }
        }
        double s = 0;
        for (double v : p) {
            s += v;
        }
        for (int i = 0; i < n; i++) {
            p[i] /= s;
        }
        return p;
    }

    /** Draws a token from {@link #distribution}. */
    public int choose(float[] logits, SplittableRandom random) {
        if (isGreedy()) {
            return argmax(logits);
        }
        double[] p = distribution(logits);
        double u = random.nextDouble();
        double c = 0;
        int last = -1;
        for (int i = 0; i < p.length; i++) {
            if (p[i] > 0) {
                c += p[i];
                last = i;
                if (u < c) {
                    return i;
                }
            }
        }
        return last;
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    private static Integer[] byDescending(double[] p) {
        Integer[] order = new Integer[p.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
        return order;
    }
}

package org.pretrain4j.app.inference;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Softmax and top-k over one row of logits, in double precision. */
final class Probabilities {
    private Probabilities() {}

    static double[] softmax(float[] logits, int offset, int length) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < length; i++) {
            max = Math.max(max, logits[offset + i]);
        }
        double[] p = new double[length];
        double sum = 0;
        for (int i = 0; i < length; i++) {
            p[i] = Math.exp(logits[offset + i] - max);
            sum += p[i];
        }
        for (int i = 0; i < length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /** Indices of the k largest values, largest first. */
    static List<Integer> top(double[] p, int k) {
        Integer[] order = new Integer[p.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
        return new ArrayList<>(Arrays.asList(order).subList(0, Math.min(k, p.length)));
    }
}

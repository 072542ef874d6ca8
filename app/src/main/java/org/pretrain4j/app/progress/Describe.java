package org.pretrain4j.app.progress;

import java.util.Map;

/** Short text forms of losses and metrics for progress lines. */
final class Describe {
    private Describe() {}

    /** "masked_lm 4.123, next_sentence 0.612" for the losses of each term. */
    static String terms(Map<String, Double> termLosses) {
        StringBuilder b = new StringBuilder();
        termLosses.forEach((term, loss) -> {
            if (b.length() > 0) {
                b.append(", ");
            }
            b.append(term).append(' ').append(String.format("%.3f", loss));
        });
        return b.toString();
    }

    /** "masked_lm_accuracy=0.312 next_sentence_accuracy=0.801" for metrics. */
    static String metrics(Map<String, Double> metrics) {
        StringBuilder b = new StringBuilder();
        new java.util.TreeMap<>(metrics).forEach((k, v) -> {
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(k).append('=').append(String.format("%.4f", v));
        });
        return b.toString();
    }
}

package org.pretrain4j.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An evaluation on the held-out split after {@code step} steps: the weighted loss, each term's
 * mean loss and the objective's metrics, all from sums over every evaluated example.
 */
public record EvalRecord(
        long step,
        double loss,
        Map<String, Double> termLosses,
        Map<String, Double> metrics,
        int batches,
        long examples,
        long tokens,
        double seconds) {

    public EvalRecord {
        termLosses = Collections.unmodifiableMap(new LinkedHashMap<>(termLosses));
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }
}

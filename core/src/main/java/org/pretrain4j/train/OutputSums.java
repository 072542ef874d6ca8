package org.pretrain4j.train;

import java.util.LinkedHashMap;
import java.util.Map;
import org.pretrain4j.graph.DType;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.spi.Objective;

/**
 * Per-term sums of outputs named {@code <term>/<name>} over the runs of a step or an evaluation,
 * and the last value of every other scalar output; {@link #summarize} turns them into the mean
 * losses, the weighted total and the objective's metrics.
 */
final class OutputSums {
    final Map<String, Map<String, Double>> terms = new LinkedHashMap<>();
    final Map<String, Double> other = new LinkedHashMap<>();

    void add(Map<String, HostTensor> outputs) {
        for (Map.Entry<String, HostTensor> e : outputs.entrySet()) {
            HostTensor t = e.getValue();
            if (t.size() != 1) {
                continue;
            }
            double v = t.dtype() == DType.INT64 ? t.longs()[0] : t.floats()[0];
            String name = e.getKey();
            int slash = name.lastIndexOf('/');
            if (slash > 0 && !name.startsWith(TrainingPrograms.LOSS_SCALE_PREFIX)) {
                terms.computeIfAbsent(name.substring(0, slash), k -> new LinkedHashMap<>())
                        .merge(name.substring(slash + 1), v, Double::sum);
            } else {
                other.put(name, v);
            }
        }
    }

    /** Mean loss per term, their weighted sum, and the objective's metrics (none without an objective). */
    Summary summarize(TrainingPrograms programs, Objective objective) {
        Summary t = new Summary();
        for (Map.Entry<String, Map<String, Double>> e : terms.entrySet()) {
            String term = e.getKey();
            Map<String, Double> s = e.getValue();
            double count = s.getOrDefault(TrainingPrograms.COUNT, 0.0);
            if (count > 0) {
                double mean = s.getOrDefault(TrainingPrograms.LOSS_SUM, 0.0) / count;
                t.losses.put(term, mean);
                t.loss += programs.weight(term) * mean;
            }
            if (objective != null && count > 0) {
                t.metrics.putAll(objective.metrics(term, Map.copyOf(s)));
            }
        }
        return t;
    }

    static final class Summary {
        final Map<String, Double> losses = new LinkedHashMap<>();
        final Map<String, Double> metrics = new LinkedHashMap<>();
        double loss;
    }
}

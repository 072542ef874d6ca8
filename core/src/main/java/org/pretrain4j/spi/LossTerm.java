package org.pretrain4j.spi;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import org.pretrain4j.graph.Tensor;

/**
 * One loss term of an objective as graph values: the summed loss over its targets, the number of
 * targets (FLOAT32 scalars), and summed metric numerators (e.g. "correct"). The trainer divides by
 * the count of the whole accumulated batch, so accumulation and mixing are exact. {@code name} is
 * the term's batch count key and metric prefix (e.g. "masked_lm", "next_sentence"). {@code weight}
 * multiplies the term's mean loss in the total loss (1 unless a composition sets it, as
 * {@code nsp.weight} does).
 */
public record LossTerm(String name, Tensor lossSum, Tensor count, Map<String, Tensor> metricSums, double weight) {
    public LossTerm {
        requireNonNull(name, "name is null");
        requireNonNull(lossSum, "lossSum is null");
        requireNonNull(count, "count is null");
        metricSums = Map.copyOf(metricSums);
        if (lossSum.rank() != 0 || count.rank() != 0) {
            throw new IllegalArgumentException("loss term '" + name + "' sum and count must be scalars");
        }
        if (!(weight >= 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException("loss term '" + name + "' weight must be finite and >= 0, got " + weight);
        }
    }

    /** A term with weight 1. */
    public LossTerm(String name, Tensor lossSum, Tensor count, Map<String, Tensor> metricSums) {
        this(name, lossSum, count, metricSums, 1.0);
    }

    /** The same term with another weight. */
    public LossTerm withWeight(double newWeight) {
        return new LossTerm(name, lossSum, count, metricSums, newWeight);
    }
}

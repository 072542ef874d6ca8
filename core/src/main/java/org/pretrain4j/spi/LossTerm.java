package org.pretrain4j.spi;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import org.pretrain4j.graph.Tensor;

/**
 * One loss term of an objective as graph values: the summed loss over its targets, the number of
 * targets (FLOAT32 scalars), and summed metric numerators (e.g. "correct"). The trainer divides by
 * the count of the whole accumulated batch, so accumulation and mixing are exact. {@code name} is
 * the term's batch count key and metric prefix (e.g. "masked_lm", "next_sentence").
 */
public record LossTerm(String name, Tensor lossSum, Tensor count, Map<String, Tensor> metricSums) {
    public LossTerm {
        requireNonNull(name, "name is null");
        requireNonNull(lossSum, "lossSum is null");
        requireNonNull(count, "count is null");
        metricSums = Map.copyOf(metricSums);
        if (lossSum.rank() != 0 || count.rank() != 0) {
            throw new IllegalArgumentException("loss term '" + name + "' sum and count must be scalars");
        }
    }
}

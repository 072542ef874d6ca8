package org.pretrain4j.spi;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;
import org.pretrain4j.graph.Graph;
import org.pretrain4j.graph.Tensor;
import org.pretrain4j.nn.Layers;

/**
 * One loss term of an objective as graph values: the summed loss over its targets, the number of
 * targets (FLOAT32 scalars), and summed metric numerators (e.g. "correct"). The trainer divides by
 * the count of the whole accumulated batch, so accumulation and mixing are exact. {@code name} is
 * the term's batch count key and metric prefix (e.g. "masked_lm", "next_sentence"). {@code weight}
 * multiplies the term's mean loss in the total loss (1 unless a composition sets it, as
 * {@code nsp.weight} does).
 */
public record LossTerm(String name, Tensor lossSum, Tensor count, Map<String, Tensor> metricSums, double weight) {
    /** The sums {@link Objective#metrics} receives: the summed loss, the number of targets, and the correct predictions. */
    public static final String LOSS_SUM = "loss_sum";
    public static final String COUNT = "count";
    public static final String CORRECT = "correct";

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

    /**
     * The usual term: softmax cross-entropy of {@code logits} (last axis: the classes) against
     * {@code labels} ({@link Targets#IGNORE} where there is none), with the number of correct
     * predictions as metric sum "correct", so that {@link #lossAndAccuracy} reports the accuracy.
     */
    public static LossTerm crossEntropy(String name, Graph graph, Tensor logits, Tensor labels) {
        Layers.CrossEntropy ce = Layers.crossEntropy(graph, logits, labels);
        return new LossTerm(name, ce.lossSum(), ce.count(), Map.of(CORRECT, ce.correct()));
    }

    /**
     * The metric pair of a term: {@code <term>_loss} (mean over its targets) and, when the term sums
     * "correct", {@code <term>_accuracy}; nothing when there was no target. What
     * {@link Objective#metrics} reports unless an objective adds its own.
     */
    public static Map<String, Double> lossAndAccuracy(String term, Map<String, Double> sums) {
        double count = sums.getOrDefault(COUNT, 0.0);
        Map<String, Double> out = new LinkedHashMap<>();
        if (count > 0) {
            out.put(term + "_loss", sums.getOrDefault(LOSS_SUM, 0.0) / count);
            if (sums.containsKey(CORRECT)) {
                out.put(term + "_accuracy", sums.get(CORRECT) / count);
            }
        }
        return out;
    }

    /** The same term with another weight. */
    public LossTerm withWeight(double newWeight) {
        return new LossTerm(name, lossSum, count, metricSums, newWeight);
    }
}

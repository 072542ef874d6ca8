package org.pretrain4j.spi;

import java.util.Arrays;
import java.util.List;
import org.pretrain4j.data.BatchBuilder;
import org.pretrain4j.data.ExampleFeatures;
import org.pretrain4j.graph.DType;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.graph.Shape;
import org.pretrain4j.graph.Tensor;
import org.pretrain4j.nn.Layers;
import org.pretrain4j.nn.Transformer;

/**
 * Targets as most objectives have them, from {@link Objective#prepare} through the batch to the
 * loss: per-token targets (an {@code int[]} feature, {@link #IGNORE} where a position has none) or
 * one target per example (a scalar feature). {@code collate*} writes the batch input and counts the
 * targets that are not {@link #IGNORE} under the loss term; {@code perToken}/{@code perExample}
 * declare the matching graph input for {@link LossTerm#crossEntropy}.
 */
public final class Targets {
    /** No target at this position (or for this example): the loss and the accuracy skip it. */
    public static final long IGNORE = Layers.IGNORE_INDEX;

    private Targets() {}

    /**
     * Writes the per-token targets each example's {@code prepare} stored as the int array
     * {@code name} into the batch input {@code name} ({@code [batch_size, sequence_length]} INT64,
     * padded with {@link #IGNORE}) and counts them under {@code term}. {@code objective} names the
     * objective in the error when an example was not prepared or is longer than the sequence.
     */
    public static void collatePerToken(String objective, List<ExampleFeatures> examples, int sequenceLength, String name,
            String term, BatchBuilder batch) {
        long[] labels = new long[examples.size() * sequenceLength];
        Arrays.fill(labels, IGNORE);
        long targets = 0;
        for (int b = 0; b < examples.size(); b++) {
            ExampleFeatures f = examples.get(b);
            int[] own = f.array(name);
            if (own == null) {
                throw new IllegalStateException("example " + f.example().index() + " was not prepared by objective '" + objective + "'");
            }
            if (own.length > sequenceLength) {
                throw new IllegalArgumentException("example " + f.example().index() + " has " + own.length
                        + " tokens, more than the sequence length " + sequenceLength);
            }
            for (int p = 0; p < own.length; p++) {
                labels[b * sequenceLength + p] = own[p];
                targets += own[p] == IGNORE ? 0 : 1;
            }
        }
        batch.put(name, HostTensor.ofLongs(new long[] {examples.size(), sequenceLength}, labels));
        batch.count(term, targets);
    }

    /**
     * Writes the scalar {@code feature} of every example into the batch input {@code input}
     * ({@code [batch_size]} INT64) and counts those that are not {@link #IGNORE} under {@code term}.
     */
    public static void collatePerExample(List<ExampleFeatures> examples, String feature, String input, String term,
            BatchBuilder batch) {
        long[] labels = new long[examples.size()];
        long targets = 0;
        for (int b = 0; b < examples.size(); b++) {
            labels[b] = examples.get(b).scalar(feature);
            targets += labels[b] == IGNORE ? 0 : 1;
        }
        batch.put(input, HostTensor.ofLongs(new long[] {examples.size()}, labels));
        batch.count(term, targets);
    }

    /** Declares the per-token targets input {@code name}: {@code [batch_size, sequence_length]} INT64. */
    public static Tensor perToken(ModelContext model, String name) {
        return model.input(name, DType.INT64, Shape.of(Transformer.BATCH, Transformer.SEQUENCE));
    }

    /** Declares the per-example targets input {@code name}: {@code [batch_size]} INT64. */
    public static Tensor perExample(ModelContext model, String name) {
        return model.input(name, DType.INT64, Shape.of(Transformer.BATCH));
    }
}

package org.pretrain4j.objective.nsp;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pretrain4j.data.BatchBuilder;
import org.pretrain4j.data.ExampleFeatures;
import org.pretrain4j.graph.DType;
import org.pretrain4j.graph.Graph;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.graph.Shape;
import org.pretrain4j.graph.Tensor;
import org.pretrain4j.nn.Layers;
import org.pretrain4j.nn.TransformerConfig;
import org.pretrain4j.spi.LossTerm;
import org.pretrain4j.spi.ModelContext;

/**
 * What {@code nsp} and {@code sop} share: google BERT's tanh pooler over the [CLS] state
 * ({@code pooler/dense}, which the encoder export reuses as {@code output_1}) and the two-way
 * classifier {@code cls/seq_relationship}, with one INT64 label per example (-100: no target).
 */
final class PairHead {
    /** The inference output, as google BERT and transformers name it. */
    static final String OUTPUT = "seq_relationship_logits";

    private PairHead() {}

    /** The pooled output {@code [batch_size, H]}: tanh(dense(hidden[:, 0])). */
    static Tensor pooled(ModelContext model) {
        Graph g = model.graph();
        TransformerConfig c = model.config();
        Tensor first = g.squeeze(g.slice(model.hidden(), 1, 0, 1), 1);
        return g.tanh(Layers.dense(g, "pooler/dense", first, c.hidden(), c.initializerRange()));
    }

    /** The two-way logits {@code [batch_size, 2]}. */
    static Tensor logits(ModelContext model) {
        return Layers.dense(model.graph(), "cls/seq_relationship", pooled(model), 2, model.config().initializerRange());
    }

    /** Writes the labels scalar {@code scalar} of every example as {@code [batch]} INT64 and counts those that are not -100. */
    static void collate(List<ExampleFeatures> examples, String scalar, String input, String term, BatchBuilder batch) {
        long[] labels = new long[examples.size()];
        long targets = 0;
        for (int b = 0; b < examples.size(); b++) {
            labels[b] = examples.get(b).scalar(scalar);
            targets += labels[b] == Layers.IGNORE_INDEX ? 0 : 1;
        }
        batch.put(input, HostTensor.ofLongs(new long[] {examples.size()}, labels));
        batch.count(term, targets);
    }

    /** The classifier's loss term against the batch input {@code input}. */
    static LossTerm loss(ModelContext model, String input, String term) {
        Tensor labels = model.input(input, DType.INT64, Shape.of("batch_size"));
        Layers.CrossEntropy ce = Layers.crossEntropy(model.graph(), logits(model), labels);
        return new LossTerm(term, ce.lossSum(), ce.count(), Map.of("correct", ce.correct()));
    }

    /** {@code <term>_loss} and {@code <term>_accuracy} per labelled example; nothing when none was. */
    static Map<String, Double> metrics(String objective, String expected, String term, Map<String, Double> sums) {
        if (!expected.equals(term)) {
            throw new IllegalArgumentException("objective '" + objective + "' has no loss term '" + term + "'");
        }
        double count = sums.getOrDefault("count", 0.0);
        Map<String, Double> out = new LinkedHashMap<>();
        if (count > 0) {
            out.put(term + "_loss", sums.get("loss_sum") / count);
            out.put(term + "_accuracy", sums.getOrDefault("correct", 0.0) / count);
        }
        return out;
    }
}

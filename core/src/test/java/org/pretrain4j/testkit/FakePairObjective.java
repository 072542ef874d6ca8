package org.pretrain4j.testkit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pretrain4j.data.BatchBuilder;
import org.pretrain4j.data.ExampleFeatures;
import org.pretrain4j.data.ExampleLayout;
import org.pretrain4j.data.RandomSource;
import org.pretrain4j.graph.DType;
import org.pretrain4j.graph.Graph;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.graph.Shape;
import org.pretrain4j.graph.Tensor;
import org.pretrain4j.nn.Layers;
import org.pretrain4j.nn.Transformer;
import org.pretrain4j.spi.AttentionKind;
import org.pretrain4j.spi.LossTerm;
import org.pretrain4j.spi.ModelContext;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.text.Tokenizer;

/**
 * A small sentence-pair objective for tests: lays out sentence pairs and classifies the pair label
 * from a tanh pooler over the first token (variables {@code pooler/dense/*}, as NSP names them).
 * Batch input {@value #LABELS} {@code [batch_size]}, loss term {@value #TERM}, inference output
 * {@code seq_relationship_logits}.
 */
public final class FakePairObjective implements Objective {
    public static final String TERM = "pair";
    public static final String LABELS = "pair_labels";
    private static final String FEATURE = "fake_pair_label";

    @Override
    public String name() {
        return "fake-pair";
    }

    @Override
    public AttentionKind attention() {
        return AttentionKind.BIDIRECTIONAL;
    }

    @Override
    public Optional<ExampleLayout> layout() {
        return Optional.of(ExampleLayout.SENTENCE_PAIRS);
    }

    @Override
    public void prepare(ExampleFeatures features, Tokenizer tokenizer, RandomSource random) {
        features.putScalar(FEATURE, features.example().pairLabel());
    }

    @Override
    public void collate(List<ExampleFeatures> examples, int sequenceLength, BatchBuilder batch) {
        long[] labels = new long[examples.size()];
        for (int b = 0; b < labels.length; b++) {
            labels[b] = examples.get(b).scalar(FEATURE);
        }
        batch.put(LABELS, HostTensor.ofLongs(new long[] {labels.length}, labels));
        batch.count(TERM, labels.length);
    }

    @Override
    public List<LossTerm> buildLoss(ModelContext model) {
        Graph g = model.graph();
        Tensor labels = model.input(LABELS, DType.INT64, Shape.of(Transformer.BATCH));
        Layers.CrossEntropy ce = Layers.crossEntropy(g, logits(model), labels);
        return List.of(new LossTerm(TERM, ce.lossSum(), ce.count(), Map.of("correct", ce.correct())));
    }

    @Override
    public Map<String, Tensor> buildInference(ModelContext model) {
        return Map.of("seq_relationship_logits", logits(model));
    }

    private static Tensor logits(ModelContext model) {
        Graph g = model.graph();
        double std = model.config().initializerRange();
        Tensor first = g.squeeze(g.slice(model.hidden(), 1, 0, 1), 1);
        Tensor pooled = g.tanh(Layers.dense(g, "pooler/dense", first, model.config().hidden(), std));
        return Layers.dense(g, "fake_pair/output", model.dropout(pooled, "fake_pair"), 2, std);
    }

    @Override
    public Map<String, Double> metrics(String term, Map<String, Double> sums) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("pair_loss", sums.get("loss_sum") / sums.get("count"));
        metrics.put("pair_accuracy", sums.get("correct") / sums.get("count"));
        return metrics;
    }

    @Override
    public Map<String, String> exportMetadata() {
        return Map.of("fake_pair.labels", "0=next,1=random");
    }
}

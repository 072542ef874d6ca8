package org.pretrain4j.testkit;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
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
import org.pretrain4j.graph.Init;
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
 * A small objective for tests of the model, the training graphs and backends: predicts every
 * token (bidirectional: the token itself; causal: the next token) through the tied embedding, with
 * labels in the batch input {@value #LABELS} and loss term {@value #TERM}. Special tokens and
 * padding are not predicted.
 */
public final class FakeTokenObjective implements Objective {
    public static final String TERM = "token";
    public static final String LABELS = "token_labels";
    private static final String FEATURE = "fake_token_labels";

    private final AttentionKind attention;
    private final String name;

    public FakeTokenObjective(AttentionKind attention) {
        this(attention, attention == AttentionKind.CAUSAL ? "fake-next-token" : "fake-token");
    }

    public FakeTokenObjective(AttentionKind attention, String name) {
        this.attention = requireNonNull(attention, "attention is null");
        this.name = requireNonNull(name, "name is null");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public AttentionKind attention() {
        return attention;
    }

    @Override
    public Optional<ExampleLayout> layout() {
        return Optional.empty();
    }

    @Override
    public void prepare(ExampleFeatures features, Tokenizer tokenizer, RandomSource random) {
        features.putArray(FEATURE, labels(features.inputIds(), features.example().special()));
    }

    /** The labels of one example: its own tokens (or the next ones when causal), -100 where not predicted. */
    public int[] labels(int[] tokens, boolean[] special) {
        int[] labels = new int[tokens.length];
        Arrays.fill(labels, (int) Layers.IGNORE_INDEX);
        for (int i = 0; i < tokens.length; i++) {
            int target = attention == AttentionKind.CAUSAL ? i + 1 : i;
            if (target < tokens.length && !special[target]) {
                labels[i] = tokens[target];
            }
        }
        return labels;
    }

    @Override
    public void collate(List<ExampleFeatures> examples, int sequenceLength, BatchBuilder batch) {
        long[] data = new long[examples.size() * sequenceLength];
        Arrays.fill(data, Layers.IGNORE_INDEX);
        long count = 0;
        for (int b = 0; b < examples.size(); b++) {
            int[] labels = examples.get(b).array(FEATURE);
            for (int i = 0; i < labels.length && i < sequenceLength; i++) {
                data[b * sequenceLength + i] = labels[i];
                count += labels[i] != Layers.IGNORE_INDEX ? 1 : 0;
            }
        }
        batch.put(LABELS, HostTensor.ofLongs(new long[] {examples.size(), sequenceLength}, data));
        batch.count(TERM, count);
    }

    @Override
    public List<LossTerm> buildLoss(ModelContext model) {
        Graph g = model.graph();
        Tensor labels = model.input(LABELS, DType.INT64, Shape.of(Transformer.BATCH, Transformer.SEQUENCE));
        Layers.CrossEntropy ce = Layers.crossEntropy(g, logits(model), labels);
        return List.of(new LossTerm(TERM, ce.lossSum(), ce.count(), Map.of("correct", ce.correct())));
    }

    @Override
    public Map<String, Tensor> buildInference(ModelContext model) {
        return Map.of("logits", logits(model));
    }

    private static Tensor logits(ModelContext model) {
        Graph g = model.graph();
        Tensor bias = g.bias("token_head/bias", Shape.fixed(model.config().vocabularySize()), Init.zeros());
        Tensor hidden = model.dropout(model.hidden(), "token_head");
        return g.add(g.matmul(hidden, g.transposeLastTwo(model.tokenEmbedding())), bias);
    }

    @Override
    public Map<String, Double> metrics(String term, Map<String, Double> sums) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        double count = sums.get("count");
        metrics.put("token_loss", sums.get("loss_sum") / count);
        metrics.put("token_accuracy", sums.get("correct") / count);
        return metrics;
    }
}

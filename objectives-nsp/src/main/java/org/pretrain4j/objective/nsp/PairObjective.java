package org.pretrain4j.objective.nsp;

import java.util.List;
import java.util.Map;
import org.pretrain4j.data.BatchBuilder;
import org.pretrain4j.data.Example;
import org.pretrain4j.data.ExampleFeatures;
import org.pretrain4j.graph.Graph;
import org.pretrain4j.graph.Tensor;
import org.pretrain4j.nn.Layers;
import org.pretrain4j.nn.TransformerConfig;
import org.pretrain4j.spi.LossTerm;
import org.pretrain4j.spi.ModelContext;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.spi.Targets;

/**
 * What {@code nsp} and {@code sop} share: one INT64 label per example ({@link Targets#IGNORE}: no
 * target), google BERT's tanh pooler over the [CLS] state ({@code pooler/dense}, which the encoder
 * export reuses as {@code output_1}) and the two-way classifier {@code cls/seq_relationship}, the
 * loss and accuracy metrics, and the label convention in the export metadata. The two differ in
 * name, layout and how {@code prepare} labels a pair.
 */
abstract class PairObjective implements Objective {
    /** The inference output, as google BERT and transformers name it. */
    static final String OUTPUT = "seq_relationship_logits";

    private final String name;
    private final String term;
    private final String labels;
    private final String label;
    private final String conventionKey;
    private final String convention;

    /**
     * @param term the loss term, batch count key and metric prefix
     * @param labels the batch input of the labels
     * @param label the scalar feature {@code prepare} writes
     * @param conventionKey the export metadata key of {@code convention}
     */
    PairObjective(String name, String term, String labels, String label, String conventionKey, String convention) {
        this.name = name;
        this.term = term;
        this.labels = labels;
        this.label = label;
        this.conventionKey = conventionKey;
        this.convention = convention;
    }

    @Override
    public final String name() {
        return name;
    }

    /** The example of {@code features}, which must be a sentence pair with label 0 or 1 (as the pair layouts make them). */
    final Example pair(ExampleFeatures features) {
        Example e = features.example();
        if (e.pairLabel() != 0 && e.pairLabel() != 1) {
            throw new IllegalStateException("objective '" + name + "' needs sentence-pair examples with a label 0 or 1; example "
                    + e.index() + " has pair label " + e.pairLabel() + " (was it laid out as packed blocks?)");
        }
        return e;
    }

    @Override
    public final void collate(List<ExampleFeatures> examples, int sequenceLength, BatchBuilder batch) {
        Targets.collatePerExample(examples, label, labels, term, batch);
    }

    @Override
    public final List<LossTerm> buildLoss(ModelContext model) {
        return List.of(LossTerm.crossEntropy(term, model.graph(), logits(model), Targets.perExample(model, labels)));
    }

    @Override
    public final Map<String, Tensor> buildInference(ModelContext model) {
        return Map.of(OUTPUT, logits(model));
    }

    /** {@code <term>_loss} and {@code <term>_accuracy} per labelled example; nothing when none was. */
    @Override
    public final Map<String, Double> metrics(String term, Map<String, Double> sums) {
        if (!this.term.equals(term)) {
            throw new IllegalArgumentException("objective '" + name + "' has no loss term '" + term + "'");
        }
        return LossTerm.lossAndAccuracy(term, sums);
    }

    @Override
    public final Map<String, String> exportMetadata() {
        return Map.of(conventionKey, convention);
    }

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
}

package org.pretrain4j.objective.nsp;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pretrain4j.data.BatchBuilder;
import org.pretrain4j.data.Example;
import org.pretrain4j.data.ExampleFeatures;
import org.pretrain4j.data.ExampleLayout;
import org.pretrain4j.data.RandomSource;
import org.pretrain4j.graph.Tensor;
import org.pretrain4j.spi.AttentionKind;
import org.pretrain4j.spi.LossTerm;
import org.pretrain4j.spi.ModelContext;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.text.Tokenizer;

/**
 * BERT's next sentence prediction on {@code [CLS] A [SEP] B [SEP]} pairs laid out by google BERT's
 * algorithm: the label is the pair's, 0 when B is the text that follows A and 1 when B is a random
 * segment of another document (google BERT's convention, written into the export metadata). The
 * head is a tanh pooler on [CLS] and a two-way classifier.
 */
public final class NspObjective implements Objective {
    /** Loss term, batch count key and metric prefix. */
    public static final String TERM = "next_sentence";
    /** Batch input: one label per example, [batch_size] INT64. */
    public static final String LABELS = "next_sentence_labels";
    static final String LABEL = "next_sentence_label";
    /** The label convention, as stated in the export metadata. */
    public static final String CONVENTION = "0 = B is the next segment after A, 1 = B is a random segment (google BERT)";

    private final NspConfig config;

    public NspObjective(NspConfig config) {
        this.config = requireNonNull(config, "config is null");
    }

    @Override
    public String name() {
        return "nsp";
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
        Example e = features.example();
        if (e.pairLabel() != 0 && e.pairLabel() != 1) {
            throw new IllegalStateException("objective 'nsp' needs sentence-pair examples with a label 0 or 1; example "
                    + e.index() + " has pair label " + e.pairLabel() + " (was it laid out as packed blocks?)");
        }
        features.putScalar(LABEL, e.pairLabel());
    }

    @Override
    public void collate(List<ExampleFeatures> examples, int sequenceLength, BatchBuilder batch) {
        PairHead.collate(examples, LABEL, LABELS, TERM, batch);
    }

    @Override
    public List<LossTerm> buildLoss(ModelContext model) {
        return List.of(PairHead.loss(model, LABELS, TERM));
    }

    @Override
    public Map<String, Tensor> buildInference(ModelContext model) {
        return Map.of(PairHead.OUTPUT, PairHead.logits(model));
    }

    /** {@code next_sentence_loss} and {@code next_sentence_accuracy}. */
    @Override
    public Map<String, Double> metrics(String term, Map<String, Double> sums) {
        return PairHead.metrics("nsp", TERM, term, sums);
    }

    @Override
    public Map<String, String> exportMetadata() {
        return Map.of("next_sentence_labels", CONVENTION);
    }

    @Override
    public String toString() {
        return "nsp";
    }
}

package org.pretrain4j.objective.nsp;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import org.pretrain4j.data.Example;
import org.pretrain4j.data.ExampleFeatures;
import org.pretrain4j.data.ExampleLayout;
import org.pretrain4j.data.RandomSource;
import org.pretrain4j.text.Tokenizer;

/**
 * BERT's next sentence prediction on {@code [CLS] A [SEP] B [SEP]} pairs laid out by google BERT's
 * algorithm: the label is the pair's, 0 when B is the text that follows A and 1 when B is a random
 * segment of another document (google BERT's convention, written into the export metadata). The
 * head is a tanh pooler on [CLS] and a two-way classifier.
 */
public final class NspObjective extends PairObjective {
    /** Loss term, batch count key and metric prefix. */
    public static final String TERM = "next_sentence";
    /** Batch input: one label per example, [batch_size] INT64. */
    public static final String LABELS = "next_sentence_labels";
    static final String LABEL = "next_sentence_label";
    /** The label convention, as stated in the export metadata. */
    public static final String CONVENTION = "0 = B is the next segment after A, 1 = B is a random segment (google BERT)";

    private final NspConfig config;

    public NspObjective(NspConfig config) {
        super("nsp", TERM, LABELS, LABEL, "next_sentence_labels", CONVENTION);
        this.config = requireNonNull(config, "config is null");
    }

    @Override
    public Optional<ExampleLayout> layout() {
        return Optional.of(ExampleLayout.SENTENCE_PAIRS);
    }

    @Override
    public void prepare(ExampleFeatures features, Tokenizer tokenizer, RandomSource random) {
        Example e = pair(features);
        features.putScalar(LABEL, e.pairLabel());
    }

    @Override
    public String toString() {
        return "nsp";
    }
}

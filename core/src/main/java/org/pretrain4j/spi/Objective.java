package org.pretrain4j.spi;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pretrain4j.data.BatchBuilder;
import org.pretrain4j.data.ExampleFeatures;
import org.pretrain4j.data.ExampleLayout;
import org.pretrain4j.data.RandomSource;
import org.pretrain4j.graph.Tensor;
import org.pretrain4j.text.Tokenizer;

/**
 * A pre-training objective: its attention, example layout, example preparation, heads and loss,
 * metrics and inference outputs. Immutable and thread-safe: {@link #prepare} runs on data threads.
 *
 * <p>Four methods are required: {@link #name}, {@link #prepare}, {@link #collate} and
 * {@link #buildLoss}; the others have the defaults most objectives want (bidirectional attention,
 * no layout of its own, no inference output, each term's loss and accuracy as metrics).
 * {@link Targets} and {@link LossTerm#crossEntropy} cover the usual targets and loss.
 */
public interface Objective {
    /** The factory name (for a composition, the names joined with '+'). */
    String name();

    /** The attention this objective needs; bidirectional by default. */
    default AttentionKind attention() {
        return AttentionKind.BIDIRECTIONAL;
    }

    /**
     * The layout it builds examples with, or empty (the default) if any layout will do: it then
     * decorates the layout of the objective it is combined with, or packed blocks when alone.
     */
    default Optional<ExampleLayout> layout() {
        return Optional.empty();
    }

    /** Writes this objective's features for one example (may overwrite input ids); randomness only from {@code random}. */
    void prepare(ExampleFeatures features, Tokenizer tokenizer, RandomSource random);

    /** Adds this objective's batch inputs and target counts for prepared examples padded to {@code sequenceLength}. */
    void collate(List<ExampleFeatures> examples, int sequenceLength, BatchBuilder batch);

    /** Adds heads and returns the loss terms, declaring batch inputs through {@code model.input}. */
    List<LossTerm> buildLoss(ModelContext model);

    /**
     * Adds heads for inference and returns the named outputs to export (e.g. "logits"). None by
     * default: the objective still trains, but an export needs at least one output from some objective.
     */
    default Map<String, Tensor> buildInference(ModelContext model) {
        return Map.of();
    }

    /**
     * Turns a term's accumulated sums into reported metrics named as google BERT does
     * (e.g. {@code masked_lm_loss}, {@code masked_lm_accuracy}); {@code sums} holds "loss_sum",
     * "count" and the term's metric sums. By default {@link LossTerm#lossAndAccuracy}.
     */
    default Map<String, Double> metrics(String term, Map<String, Double> sums) {
        return LossTerm.lossAndAccuracy(term, sums);
    }

    /** Key-value facts for the export metadata (e.g. the NSP label convention). */
    default Map<String, String> exportMetadata() {
        return Map.of();
    }
}

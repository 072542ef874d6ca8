package org.pretrain4j.spi;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pretrain4j.data.ExampleFeatures;
import org.pretrain4j.data.BatchBuilder;
import org.pretrain4j.data.ExampleLayout;
import org.pretrain4j.data.RandomSource;
import org.pretrain4j.graph.Tensor;
import org.pretrain4j.text.Tokenizer;

/**
 * A pre-training objective: its attention, example layout, example preparation, heads and loss,
 * metrics and inference outputs. Immutable and thread-safe: {@link #prepare} runs on data threads.
 */
public interface Objective {
    /** The factory name (for a composition, the names joined with '+'). */
    String name();

    /** The attention this objective needs. */
    AttentionKind attention();

    /** The layout it builds examples with, or empty if it only decorates another objective's examples. */
    Optional<ExampleLayout> layout();

    /** Writes this objective's features for one example (may overwrite input ids); randomness only from {@code random}. */
    void prepare(ExampleFeatures features, Tokenizer tokenizer, RandomSource random);

    /** Adds this objective's batch inputs and target counts for prepared examples padded to {@code sequenceLength}. */
    void collate(List<ExampleFeatures> examples, int sequenceLength, BatchBuilder batch);

    /** Adds heads and returns the loss terms, declaring batch inputs through {@code model.input}. */
    List<LossTerm> buildLoss(ModelContext model);

    /** Adds heads for inference and returns the named outputs to export (e.g. "logits"). */
    Map<String, Tensor> buildInference(ModelContext model);

    /**
     * Turns a term's accumulated sums into reported metrics named as google BERT does
     * (e.g. {@code masked_lm_loss}, {@code masked_lm_accuracy}); {@code sums} holds "loss_sum",
     * "count" and the term's metric sums.
     */
    Map<String, Double> metrics(String term, Map<String, Double> sums);

    /** Key-value facts for the export metadata (e.g. the NSP label convention). */
    default Map<String, String> exportMetadata() {
        return Map.of();
    }
}

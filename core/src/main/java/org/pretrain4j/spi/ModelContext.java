package org.pretrain4j.spi;

import org.pretrain4j.graph.DType;
import org.pretrain4j.graph.Graph;
import org.pretrain4j.graph.Shape;
import org.pretrain4j.graph.Tensor;
import org.pretrain4j.nn.TransformerConfig;
import org.pretrain4j.text.SpecialTokens;

/**
 * The shared transformer as objectives see it while they add heads: the graph, the final hidden
 * states, the tied token embedding and the configuration. One per graph being built.
 */
public interface ModelContext {
    /** The graph being built. */
    Graph graph();

    /** The model's configuration (sizes, dropout, initialiser range, LayerNorm epsilon). */
    TransformerConfig config();

    /** The special-token ids of the vocabulary. */
    SpecialTokens specialTokens();

    /** Final hidden states {@code [batch_size, sequence_length, hidden]}. */
    Tensor hidden();

    /** The input token embedding {@code [vocab, hidden]}, for tied output projections. */
    Tensor tokenEmbedding();

    /** {@code input_ids [batch_size, sequence_length]} INT64. */
    Tensor inputIds();

    /** True when building the training graph (dropout on), false for evaluation and export. */
    boolean training();

    /** Applies the configured hidden dropout at a named site in training; returns x unchanged otherwise. */
    Tensor dropout(Tensor x, String site);

    /** Declares a batch input, or returns it if this name was already declared with the same type. */
    Tensor input(String name, DType dtype, Shape shape);
}

package org.pretrain4j.testkit;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import org.pretrain4j.graph.DType;
import org.pretrain4j.graph.Graph;
import org.pretrain4j.graph.Init;
import org.pretrain4j.graph.Shape;
import org.pretrain4j.graph.Tensor;
import org.pretrain4j.nn.Layers;
import org.pretrain4j.nn.TransformerConfig;
import org.pretrain4j.spi.ModelContext;
import org.pretrain4j.text.SpecialTokens;

/**
 * A stand-in for the transformer when testing heads: hidden states are LayerNorm(token + segment
 * embedding), with the model's input names and symbolic dims. It records the batch inputs the
 * objective declares, and checks a re-declared name has the same type.
 */
public final class FakeModelContext implements ModelContext {
    private final Graph graph = new Graph();
    private final TransformerConfig config;
    private final SpecialTokens specialTokens;
    private final boolean training;
    private final Tensor inputIds;
    private final Tensor tokenEmbedding;
    private final Tensor hidden;
    private final List<String> declared = new ArrayList<>();

    public FakeModelContext(TransformerConfig config, SpecialTokens specialTokens, boolean training) {
        this.config = requireNonNull(config, "config is null");
        this.specialTokens = requireNonNull(specialTokens, "specialTokens is null");
        this.training = training;
        Shape tokens = Shape.of("batch_size", "sequence_length");
        inputIds = graph.input("input_ids", DType.INT64, tokens);
        graph.input("attention_mask", DType.INT64, tokens);
        Tensor types = graph.input("token_type_ids", DType.INT64, tokens);
        tokenEmbedding = graph.weight("embeddings/word_embeddings", Shape.fixed(config.vocabularySize(), config.hidden()),
                Init.normal(config.initializerRange()));
        Tensor typeEmbedding = graph.weight("embeddings/token_type_embeddings",
                Shape.fixed(config.typeVocabularySize(), config.hidden()), Init.normal(config.initializerRange()));
        Tensor sum = graph.add(graph.gather(tokenEmbedding, inputIds, 0), graph.gather(typeEmbedding, types, 0));
        hidden = Layers.layerNorm(graph, "embeddings/LayerNorm", sum, config.layerNormEpsilon());
    }

    /** The batch inputs the objective declared through {@link #input}, in order, without the model's own. */
    public List<String> declaredInputs() {
        return List.copyOf(declared);
    }

    @Override
    public Graph graph() {
        return graph;
    }

    @Override
    public TransformerConfig config() {
        return config;
    }

    @Override
    public SpecialTokens specialTokens() {
        return specialTokens;
    }

    @Override
    public Tensor hidden() {
        return hidden;
    }

    @Override
    public Tensor tokenEmbedding() {
        return tokenEmbedding;
    }

    @Override
    public Tensor inputIds() {
        return inputIds;
    }

    @Override
    public boolean training() {
        return training;
    }

    @Override
    public Tensor dropout(Tensor x, String site) {
        return x;
    }

    @Override
    public Tensor input(String name, DType dtype, Shape shape) {
        boolean fresh = graph.named(name) == null;
        Tensor input = graph.inputOrExisting(name, dtype, shape);
        if (fresh) {
            declared.add(name);
        }
        return input;
    }
}

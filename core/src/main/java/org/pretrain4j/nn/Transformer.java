package org.pretrain4j.nn;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pretrain4j.graph.DType;
import org.pretrain4j.graph.Graph;
import org.pretrain4j.graph.GraphException;
import org.pretrain4j.graph.Init;
import org.pretrain4j.graph.Shape;
import org.pretrain4j.graph.Tensor;
import org.pretrain4j.spi.AttentionKind;
import org.pretrain4j.spi.ModelContext;
import org.pretrain4j.text.SpecialTokens;

/**
 * The shared transformer, written with graph ops, and the {@link ModelContext} objectives build
 * their heads on.
 *
 * <p>Bidirectional attention builds a post-LN BERT encoder (word + position + token type
 * embeddings, LayerNorm, blocks of attention and GELU feed-forward each followed by residual and
 * LayerNorm). Causal attention builds a pre-LN GPT-2 decoder (word + position embeddings, blocks
 * with LayerNorm before attention and feed-forward, a final LayerNorm).
 *
 * <p>Inputs: {@value #INPUT_IDS}, {@value #ATTENTION_MASK} and, for encoders,
 * {@value #TOKEN_TYPE_IDS}, all INT64 {@code [batch_size, sequence_length]}; positions come
 * from an Arange inside the graph. In training, {@value #DROPOUT_SEED} (INT64 scalar in
 * {@code [0, 2^31)}) seeds every dropout site, each with its own salt.
 *
 * <p>Parameter names are the same in every graph built from one configuration (training,
 * evaluation, export, the KV-cache decoder), so a state map read from one program loads into any
 * other:
 * <pre>
 * embeddings/word                 [V, H]   (tied output embedding)
 * embeddings/position             [P, H]
 * embeddings/token_type           [T, H]   (encoders)
 * embeddings/layer_norm/{gamma,beta}       (encoders)
 * layer_{i}/attention/{query,key,value}/weight [H, H]
 * layer_{i}/attention/{query,value}/bias [H]   (no key bias: softmax cancels it)
 * layer_{i}/attention/output/{weight [H, H], bias [H]}
 * layer_{i}/attention/layer_norm/{gamma,beta}
 * layer_{i}/ffn/intermediate/{weight [H, F], bias [F]}
 * layer_{i}/ffn/output/{weight [F, H], bias [H]}
 * layer_{i}/ffn/layer_norm/{gamma,beta}
 * final_layer_norm/{gamma,beta}            (decoders)
 * </pre>
 * In an encoder the layer norms follow their sub-layer (post-LN); in a decoder
 * {@code attention/layer_norm} and {@code ffn/layer_norm} come before theirs (pre-LN).
 */
public final class Transformer implements ModelContext {
    public static final String BATCH = "batch_size";
    public static final String SEQUENCE = "sequence_length";
    public static final String TOTAL_SEQUENCE = "total_sequence_length";
    public static final String PAST_SEQUENCE = "past_sequence_length";
    public static final String INPUT_IDS = "input_ids";
    public static final String ATTENTION_MASK = "attention_mask";
    public static final String TOKEN_TYPE_IDS = "token_type_ids";
    public static final String POSITION_IDS = "position_ids";
    public static final String DROPOUT_SEED = "dropout_seed";

    /**
     * Added to the attention scores of hidden keys, as google BERT does. exp(-1e4) is exactly 0 in
     * float32 and float64, so a hidden key contributes nothing whenever one key is visible.
     */
    static final double MASKED_SCORE = -10000.0;

    private final Graph graph;
    private final TransformerConfig config;
    private final SpecialTokens specialTokens;
    private final boolean training;
    private final Map<String, Long> saltsBySite = new HashMap<>();
    private final Map<Long, String> sitesBySalt = new HashMap<>();
    private final Tensor inputIds;
    private final Tensor attentionMask;
    private Tensor dropoutSeed;
    private Tensor tokenEmbedding;
    private Tensor hidden;
    private final Map<String, Tensor> presentKeyValues = new LinkedHashMap<>();

    private Transformer(Graph graph, TransformerConfig config, SpecialTokens specialTokens, boolean training,
            Shape maskShape) {
        this.graph = requireNonNull(graph, "graph is null");
        this.config = requireNonNull(config, "config is null");
        this.specialTokens = requireNonNull(specialTokens, "specialTokens is null");
        this.training = training;
        checkSpecialTokens(config, specialTokens);
        this.inputIds = input(INPUT_IDS, DType.INT64, Shape.of(BATCH, SEQUENCE));
        this.attentionMask = input(ATTENTION_MASK, DType.INT64, maskShape);
    }

    /**
     * Builds the transformer on {@code graph}: an encoder for bidirectional attention, a decoder for
     * causal. With {@code training} true, dropout is applied at every site (seeded by
     * {@value #DROPOUT_SEED}); otherwise the graph is deterministic.
     */
    public static Transformer build(Graph graph, TransformerConfig config, SpecialTokens specialTokens, boolean training) {
        Transformer t = new Transformer(graph, config, specialTokens, training, Shape.of(BATCH, SEQUENCE));
        t.buildFull();
        return t;
    }

    /**
     * Builds the GPT decoder with a key-value cache for generation (EXPORT.md "Decoder"): inputs
     * {@value #INPUT_IDS} and {@value #POSITION_IDS} {@code [batch_size, sequence_length]},
     * {@value #ATTENTION_MASK} {@code [batch_size, total_sequence_length]} and
     * {@code past_key_values.{i}.key/.value} {@code [batch_size, heads, past_sequence_length, head_size]};
     * {@link #presentKeyValues()} holds {@code present.{i}.key/.value}, the past concatenated with
     * the new keys and values. A query at absolute position p (its index in the total sequence)
     * sees the keys 0..p whose mask is 1. Never training: no dropout.
     */
    public static Transformer buildCachedDecoder(Graph graph, TransformerConfig config, SpecialTokens specialTokens) {
        if (config.attention() != AttentionKind.CAUSAL) {
            throw new GraphException("a key-value cache needs causal attention, the config is " + config.attention());
        }
        Transformer t = new Transformer(graph, config, specialTokens, false, Shape.of(BATCH, TOTAL_SEQUENCE));
        t.buildCached();
        return t;
    }

    // ---- ModelContext ----

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

    /** {@code attention_mask} INT64: 1 for tokens, 0 for padding. */
    public Tensor attentionMask() {
        return attentionMask;
    }

    @Override
    public boolean training() {
        return training;
    }

    @Override
    public Tensor dropout(Tensor x, String site) {
        return dropout(x, site, config.hiddenDropout());
    }

    @Override
    public Tensor input(String name, DType dtype, Shape shape) {
        return graph.inputOrExisting(name, dtype, shape);
    }

    /** The decoder's {@code present.{i}.key/.value} outputs (empty unless built with a cache), in layer order. */
    public Map<String, Tensor> presentKeyValues() {
        return Collections.unmodifiableMap(presentKeyValues);
    }

    /** Name of the cache input of one layer: {@code past_key_values.{layer}.key} or {@code .value}. */
    public static String pastName(int layer, boolean key) {
        return "past_key_values." + layer + (key ? ".key" : ".value");
    }

    /** Name of the cache output of one layer: {@code present.{layer}.key} or {@code .value}. */
    public static String presentName(int layer, boolean key) {
        return "present." + layer + (key ? ".key" : ".value");
    }

    // ---- building ----

    private boolean causal() {
        return config.attention() == AttentionKind.CAUSAL;
    }

    private void buildFull() {
        Tensor positions = config.robertaPositions() ? robertaPositions() : graph.arange(inputIds, 1);
        Tensor x = embed(positions);
        Tensor bias = causal() ? causalBias(attentionMask, graph.arange(inputIds, 1), null) : paddingBias(attentionMask);
        for (int layer = 0; layer < config.layers(); layer++) {
            x = block(layer, x, bias, null);
        }
        finish(x);
    }

    private void buildCached() {
        Tensor positionIds = input(POSITION_IDS, DType.INT64, Shape.of(BATCH, SEQUENCE));
        Tensor x = embed(positionIds);
        // Queries sit at the end of the total sequence: absolute index = past length + local index.
        Tensor keyIndex = graph.arange(attentionMask, 1);
        Tensor localIndex = graph.arange(inputIds, 1);
        Tensor pastLength = graph.reshape(graph.sub(graph.slice(keyIndex, 0, -1, Long.MAX_VALUE),
                graph.slice(localIndex, 0, -1, Long.MAX_VALUE)));
        Tensor queryIndex = graph.add(localIndex, pastLength);
        Tensor bias = causalBias(attentionMask, queryIndex, keyIndex);
        Shape cacheShape = Shape.of(BATCH, config.heads(), PAST_SEQUENCE, config.headSize());
        for (int layer = 0; layer < config.layers(); layer++) {
            Tensor pastKey = graph.input(pastName(layer, true), DType.FLOAT32, cacheShape);
            Tensor pastValue = graph.input(pastName(layer, false), DType.FLOAT32, cacheShape);
            x = block(layer, x, bias, new Tensor[] {pastKey, pastValue});
        }
        finish(x);
    }

    private void finish(Tensor x) {
        hidden = causal() ? Layers.layerNorm(graph, "final_layer_norm", x, config.layerNormEpsilon()) : x;
    }

    private Tensor embed(Tensor positions) {
        int h = config.hidden();
        double std = config.initializerRange();
        tokenEmbedding = graph.weight("embeddings/word", Shape.fixed(config.vocabularySize(), h), Init.normal(std));
        Tensor positionTable = graph.weight("embeddings/position", Shape.fixed(config.maxPositions(), h), Init.normal(std));
        Tensor x = graph.add(graph.gather(tokenEmbedding, inputIds, 0), graph.gather(positionTable, positions, 0));
        if (!causal()) {
            Tensor tokenTypes = input(TOKEN_TYPE_IDS, DType.INT64, Shape.of(BATCH, SEQUENCE));
            Tensor typeTable = graph.weight("embeddings/token_type",
                    Shape.fixed(config.typeVocabularySize(), h), Init.normal(std));
            x = graph.add(x, graph.gather(typeTable, tokenTypes, 0));
            x = Layers.layerNorm(graph, "embeddings/layer_norm", x, config.layerNormEpsilon());
        }
        return dropout(x, "embeddings", config.hiddenDropout());
    }

    /**
     * RoBERTa's position ids, {@code cumsum(mask) * mask + padding index}: tokens count from the row
     * after the padding index, padding sits on it. The cumulative sum is a product with the
     * upper-triangular matrix of ones ({@code [S, S]}, small next to the attention scores).
     */
    private Tensor robertaPositions() {
        Tensor index = graph.arange(inputIds, 1);
        Tensor upper = graph.cast(graph.lessOrEqual(graph.unsqueeze(index, 1), graph.unsqueeze(index, 0)), DType.FLOAT32);
        Tensor mask = graph.cast(attentionMask, DType.FLOAT32);
        Tensor counts = graph.matmul(graph.unsqueeze(mask, 1), upper);
        Tensor cumulative = graph.cast(graph.reshapeLike(counts, mask), DType.INT64);
        return graph.add(graph.mul(cumulative, attentionMask), graph.scalarLong(config.paddingPositionIndex()));
    }

    /** {@code [batch, 1, 1, keys]}: 0 where the key is a token, a large negative where it is padding. */
    private Tensor paddingBias(Tensor mask) {
        Tensor hiddenKey = graph.equal(mask, graph.scalarLong(0));
        Tensor bias = graph.where(hiddenKey, graph.scalar(MASKED_SCORE), graph.scalar(0));
        return graph.unsqueeze(bias, 1, 2);
    }

    /**
     * {@code [batch, 1, queries, keys]}: 0 where the key is a token at or before the query, a large
     * negative elsewhere. {@code keyIndex} null means keys and queries share the local index.
     */
    private Tensor causalBias(Tensor mask, Tensor queryIndex, Tensor keyIndex) {
        Tensor keys = keyIndex == null ? queryIndex : keyIndex;
        Tensor future = graph.greater(graph.unsqueeze(keys, 0), graph.unsqueeze(queryIndex, 1));
        Tensor padding = graph.unsqueeze(graph.equal(mask, graph.scalarLong(0)), 1, 2);
        Tensor hiddenKey = graph.or(padding, future);
        return graph.where(hiddenKey, graph.scalar(MASKED_SCORE), graph.scalar(0));
    }

    private Tensor block(int layer, Tensor x, Tensor bias, Tensor[] past) {
        String prefix = "layer_" + layer;
        double eps = config.layerNormEpsilon();
        if (causal()) {
            Tensor a = attention(prefix, Layers.layerNorm(graph, prefix + "/attention/layer_norm", x, eps), bias, past, layer);
            x = graph.add(x, a);
            Tensor f = feedForward(prefix, Layers.layerNorm(graph, prefix + "/ffn/layer_norm", x, eps));
            return graph.add(x, f);
        }
        Tensor a = attention(prefix, x, bias, past, layer);
        x = Layers.layerNorm(graph, prefix + "/attention/layer_norm", graph.add(x, a), eps);
        Tensor f = feedForward(prefix, x);
        return Layers.layerNorm(graph, prefix + "/ffn/layer_norm", graph.add(x, f), eps);
    }

    private Tensor attention(String prefix, Tensor x, Tensor bias, Tensor[] past, int layer) {
        int h = config.hidden();
        int d = config.headSize();
        double std = config.initializerRange();
        // Three [H, H] products rather than one [H, 3H]: the GEMMs are as efficient, and splitting
        // a fused result costs slices whose gradients are concatenations with zeros, several
        // [batch, 3H, sequence] copies per layer in the backward pass.
        Tensor q = projection(prefix + "/attention/query", x, true);
        Tensor k = projection(prefix + "/attention/key", x, false);
        Tensor v = projection(prefix + "/attention/value", x, true);
        // Scaling q ([S, d] per head) is cheaper than scaling the scores ([S, S] per head).
        q = graph.mul(graph.transpose(q, 0, 2, 1, 3), 1.0 / Math.sqrt(d));
        v = graph.transpose(v, 0, 2, 1, 3);
        Tensor keysT;
        if (past != null) {
            // The cache holds keys as [B, heads, T, d], the layout transformers.js expects.
            k = graph.concat(2, past[0], graph.transpose(k, 0, 2, 1, 3));
            v = graph.concat(2, past[1], v);
            presentKeyValues.put(presentName(layer, true), k);
            presentKeyValues.put(presentName(layer, false), v);
            keysT = graph.transposeLastTwo(k);
        } else {
            // Straight to [B, heads, d, S]: one transpose instead of two.
            keysT = graph.transpose(k, 0, 2, 3, 1);
        }
        Tensor scores = graph.add(graph.matmul(q, keysT), bias);
        Tensor probabilities = dropout(graph.softmax(scores, -1), prefix + "/attention/probabilities",
                config.attentionDropout());
        Tensor context = graph.matmul(probabilities, v);
        Tensor merged = graph.reshape(graph.transpose(context, 0, 2, 1, 3), 0, 0, h);
        Tensor out = Layers.dense(graph, prefix + "/attention/output", merged, h, std);
        return dropout(out, prefix + "/attention/output", config.hiddenDropout());
    }

    /**
     * {@code x W (+ b)} split into heads: {@code [B, S, heads, d]}. The key has no bias: it adds
     * q.b_k to every score of a query, which softmax cancels, so its gradient is exactly zero and
     * AdamW would only turn float32 round-off into a random walk.
     */
    private Tensor projection(String name, Tensor x, boolean withBias) {
        int h = config.hidden();
        Tensor w = graph.weight(name + "/weight", Shape.fixed(h, h), Init.normal(config.initializerRange()));
        Tensor y = graph.matmul(x, w);
        if (withBias) {
            y = graph.add(y, graph.bias(name + "/bias", Shape.fixed(h), Init.zeros()));
        }
        return graph.reshape(y, 0, 0, config.heads(), config.headSize());
    }

    private Tensor feedForward(String prefix, Tensor x) {
        double std = config.initializerRange();
        Tensor inner = config.activation().apply(graph, Layers.dense(graph, prefix + "/ffn/intermediate", x, config.ffn(), std));
        Tensor out = Layers.dense(graph, prefix + "/ffn/output", inner, config.hidden(), std);
        return dropout(out, prefix + "/ffn/output", config.hiddenDropout());
    }

    private Tensor dropout(Tensor x, String site, double rate) {
        requireNonNull(site, "site is null");
        if (!training || rate == 0) {
            return x;
        }
        if (dropoutSeed == null) {
            dropoutSeed = input(DROPOUT_SEED, DType.INT64, Shape.scalar());
        }
        return graph.dropout(x, dropoutSeed, rate, salt(site));
    }

    /**
     * A salt from the site name, stable across graphs so the same site draws the same mask in every
     * program of a run; a clash with another site moves to the next free value.
     */
    private long salt(String site) {
        if (saltsBySite.containsKey(site)) {
            throw new GraphException("dropout site '" + site + "' is used twice; give each dropout its own site name");
        }
        long salt = Integer.toUnsignedLong(site.hashCode() * 0x9E3779B9) % (1 << 20);
        while (sitesBySalt.containsKey(salt)) {
            salt = (salt + 1) % (1 << 20);
        }
        saltsBySite.put(site, salt);
        sitesBySalt.put(salt, site);
        return salt;
    }

    private static void checkSpecialTokens(TransformerConfig config, SpecialTokens specials) {
        List<String> bad = new ArrayList<>();
        int[] ids = {specials.pad(), specials.unk(), specials.cls(), specials.sep(), specials.mask(), specials.bos(), specials.eos()};
        String[] names = {"pad", "unk", "cls", "sep", "mask", "bos", "eos"};
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] >= config.vocabularySize()) {
                bad.add(names[i] + "=" + ids[i]);
            }
        }
        if (!bad.isEmpty()) {
            throw new GraphException("special token ids " + bad + " are outside the model's vocabulary of "
                    + config.vocabularySize() + "; the config's vocabulary size must be the tokenizer's");
        }
    }
}

package org.pretrain4j.objective.mlm;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import org.pretrain4j.data.BatchBuilder;
import org.pretrain4j.data.Example;
import org.pretrain4j.data.ExampleFeatures;
import org.pretrain4j.data.RandomSource;
import org.pretrain4j.graph.DType;
import org.pretrain4j.graph.Graph;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.graph.Init;
import org.pretrain4j.graph.Shape;
import org.pretrain4j.graph.Tensor;
import org.pretrain4j.nn.Layers;
import org.pretrain4j.nn.TransformerConfig;
import org.pretrain4j.spi.LossTerm;
import org.pretrain4j.spi.MaskDecision;
import org.pretrain4j.spi.MaskingStrategy;
import org.pretrain4j.spi.MaskingVocabulary;
import org.pretrain4j.spi.ModelContext;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.text.SpecialTokens;
import org.pretrain4j.text.Tokenizer;

/**
 * BERT's masked language model. It lays out no examples of its own (alone it trains on packed
 * blocks; with {@code nsp} or {@code sop} on their sentence pairs) and masks whatever it is given
 * through its strategy. The head is google BERT's: dense + GELU + LayerNorm, then the decoder tied
 * to the token embedding with its own bias, applied only to the chosen positions, which are gathered
 * from the flattened hidden states before the vocabulary projection.
 */
public final class MlmObjective implements Objective {
    /** Loss term, batch count key and metric prefix. */
    public static final String TERM = "masked_lm";
    /** Batch input: flat positions {@code b * sequence_length + p} of the predicted tokens, [N] INT64. */
    public static final String POSITIONS = "masked_positions";
    /** Batch input: the original ids at those positions, [N] INT64. */
    public static final String LABELS = "masked_labels";
    static final String HEAD = "cls/predictions";

    private final MlmConfig config;
    private final MaskingStrategy strategy;

    public MlmObjective(MlmConfig config, MaskingStrategy strategy) {
        this.config = requireNonNull(config, "config is null");
        this.strategy = requireNonNull(strategy, "strategy is null");
    }

    public MlmConfig config() {
        return config;
    }

    @Override
    public String name() {
        return "mlm";
    }

    @Override
    public void prepare(ExampleFeatures features, Tokenizer tokenizer, RandomSource random) {
        Example example = features.example();
        int[] ids = features.inputIds();
        MaskDecision decision = strategy.choose(ids.clone(), example.special(), example.wordStarts(),
                vocabulary(tokenizer), random.fork("mlm"));
        int[] labels = new int[decision.size()];
        for (int k = 0; k < decision.size(); k++) {
            int p = decision.positions()[k];
            labels[k] = ids[p];
            ids[p] = decision.replacements()[k];
        }
        features.putArray(POSITIONS, decision.positions().clone());
        features.putArray(LABELS, labels);
    }

    private static MaskingVocabulary vocabulary(Tokenizer tokenizer) {
        SpecialTokens special = tokenizer.specialTokens();
        if (special.mask() < 0) {
            throw new IllegalStateException("objective 'mlm' needs a mask token, and this " + tokenizer.kind()
                    + " tokenizer has none; use a WordPiece tokenizer (it has [MASK]) or a causal objective such as clm");
        }
        return new MaskingVocabulary(tokenizer.vocabularySize(), special.mask(), special);
    }

    @Override
    public void collate(List<ExampleFeatures> examples, int sequenceLength, BatchBuilder batch) {
        int n = 0;
        for (ExampleFeatures f : examples) {
            n += positionsOf(f).length;
        }
        long[] positions = new long[n];
        long[] labels = new long[n];
        int k = 0;
        for (int b = 0; b < examples.size(); b++) {
            ExampleFeatures f = examples.get(b);
            int[] ps = positionsOf(f);
            int[] ls = f.array(LABELS);
            for (int i = 0; i < ps.length; i++) {
                if (ps[i] >= sequenceLength) {
                    throw new IllegalArgumentException("example " + f.example().index() + " has a masked position " + ps[i]
                            + " beyond the sequence length " + sequenceLength);
                }
                positions[k] = (long) b * sequenceLength + ps[i];
                labels[k++] = ls[i];
            }
        }
        batch.put(POSITIONS, HostTensor.ofLongs(new long[] {n}, positions));
        batch.put(LABELS, HostTensor.ofLongs(new long[] {n}, labels));
        batch.count(TERM, n);
    }

    private static int[] positionsOf(ExampleFeatures f) {
        int[] ps = f.array(POSITIONS);
        if (ps == null) {
            throw new IllegalStateException("example " + f.example().index() + " was not prepared by objective 'mlm'");
        }
        return ps;
    }

    @Override
    public List<LossTerm> buildLoss(ModelContext model) {
        Graph g = model.graph();
        int hidden = model.config().hidden();
        Tensor positions = model.input(POSITIONS, DType.INT64, Shape.of("masked_count"));
        Tensor labels = model.input(LABELS, DType.INT64, Shape.of("masked_count"));
        // Gathering before the projection: only ~15% of positions pay for the [H, V] matmul.
        Tensor flat = g.reshape(model.hidden(), -1, hidden);
        Tensor chosen = g.gather(flat, positions, 0);
        Tensor logits = head(model, chosen);
        return List.of(LossTerm.crossEntropy(TERM, g, logits, labels));
    }

    @Override
    public Map<String, Tensor> buildInference(ModelContext model) {
        return Map.of("logits", head(model, model.hidden()));
    }

    /** Transform and tied decoder over {@code [..., H]}: logits {@code [..., V]}. */
    private static Tensor head(ModelContext model, Tensor x) {
        Graph g = model.graph();
        TransformerConfig c = model.config();
        Tensor h = Layers.dense(g, HEAD + "/transform/dense", x, c.hidden(), c.initializerRange());
        h = c.activation().apply(g, h);
        h = Layers.layerNorm(g, HEAD + "/transform/LayerNorm", h, c.layerNormEpsilon());
        Tensor bias = g.bias(HEAD + "/output_bias", Shape.fixed(c.vocabularySize()), Init.zeros());
        return g.add(g.matmul(h, g.transpose(model.tokenEmbedding(), 1, 0)), bias);
    }

    /** {@code masked_lm_loss} and {@code masked_lm_accuracy} per predicted token; nothing when no token was predicted. */
    @Override
    public Map<String, Double> metrics(String term, Map<String, Double> sums) {
        if (!TERM.equals(term)) {
            throw new IllegalArgumentException("objective 'mlm' has no loss term '" + term + "'");
        }
        return LossTerm.lossAndAccuracy(TERM, sums);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("mlm{strategy=").append(config.strategy());
        new java.util.TreeMap<>(config.strategyProperties()).forEach((k, v) ->
                s.append(", ").append(MlmConfig.STRATEGY_PREFIX).append(k).append('=').append(v));
        return s.append('}').toString();
    }
}

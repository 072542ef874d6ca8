package org.pretrain4j.objective.clm;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pretrain4j.data.BatchBuilder;
import org.pretrain4j.data.ExampleFeatures;
import org.pretrain4j.data.ExampleLayout;
import org.pretrain4j.data.RandomSource;
import org.pretrain4j.graph.Graph;
import org.pretrain4j.graph.Init;
import org.pretrain4j.graph.Shape;
import org.pretrain4j.graph.Tensor;
import org.pretrain4j.spi.AttentionKind;
import org.pretrain4j.spi.LossTerm;
import org.pretrain4j.spi.ModelContext;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.spi.Targets;
import org.pretrain4j.text.Tokenizer;

/**
 * GPT's causal language model on packed blocks: position i predicts token i + 1. Targets come from
 * the example's own tokens and length, never from comparing ids with the padding id, so an end of
 * text is always a real target even where the tokenizer pads with it (GPT-2 does). The last
 * position of a block has no next token in the block and is ignored. The decoder is tied to the
 * token embedding with its own output bias.
 */
public final class ClmObjective implements Objective {
    /** Loss term, batch count key and metric prefix. */
    public static final String TERM = "causal_lm";
    /** Batch input: the next-token targets [batch_size, sequence_length] INT64, -100 where there is none. */
    public static final String LABELS = "clm_labels";
    static final String OUTPUT_BIAS = "lm_head/output_bias";
    private static final double LN_2 = Math.log(2);

    private final ClmConfig config;

    public ClmObjective(ClmConfig config) {
        this.config = requireNonNull(config, "config is null");
    }

    @Override
    public String name() {
        return "clm";
    }

    @Override
    public AttentionKind attention() {
        return AttentionKind.CAUSAL;
    }

    @Override
    public Optional<ExampleLayout> layout() {
        return Optional.of(ExampleLayout.PACKED_BLOCKS);
    }

    @Override
    public void prepare(ExampleFeatures features, Tokenizer tokenizer, RandomSource random) {
        int[] tokens = features.example().tokens();
        int[] labels = new int[tokens.length];
        for (int i = 0; i + 1 < tokens.length; i++) {
            labels[i] = tokens[i + 1];
        }
        if (tokens.length > 0) {
            labels[tokens.length - 1] = (int) Targets.IGNORE;
        }
        features.putArray(LABELS, labels);
    }

    @Override
    public void collate(List<ExampleFeatures> examples, int sequenceLength, BatchBuilder batch) {
        Targets.collatePerToken("clm", examples, sequenceLength, LABELS, TERM, batch);
    }

    @Override
    public List<LossTerm> buildLoss(ModelContext model) {
        return List.of(LossTerm.crossEntropy(TERM, model.graph(), logits(model), Targets.perToken(model, LABELS)));
    }

    @Override
    public Map<String, Tensor> buildInference(ModelContext model) {
        return Map.of("logits", logits(model));
    }

    private Tensor logits(ModelContext model) {
        Graph g = model.graph();
        Tensor logits = g.matmul(model.hidden(), g.transpose(model.tokenEmbedding(), 1, 0));
        if (!config.outputBias() || !model.config().outputBias()) {
            // GPT-2's lm_head has no bias: a model started from it keeps none, so it exports exactly.
            return logits;
        }
        Tensor bias = g.bias(OUTPUT_BIAS, Shape.fixed(model.config().vocabularySize()), Init.zeros());
        return g.add(logits, bias);
    }

    /**
     * Per target token: {@code causal_lm_loss} (nats), {@code causal_lm_accuracy},
     * {@code causal_lm_perplexity} = exp(loss) and {@code causal_lm_bits_per_token} = loss / ln 2;
     * nothing when there was no target.
     */
    @Override
    public Map<String, Double> metrics(String term, Map<String, Double> sums) {
        if (!TERM.equals(term)) {
            throw new IllegalArgumentException("objective 'clm' has no loss term '" + term + "'");
        }
        Map<String, Double> out = new LinkedHashMap<>(LossTerm.lossAndAccuracy(TERM, sums));
        Double loss = out.get(TERM + "_loss");
        if (loss != null) {
            out.put(TERM + "_perplexity", Math.exp(loss));
            out.put(TERM + "_bits_per_token", loss / LN_2);
        }
        return out;
    }

    @Override
    public String toString() {
        return "clm";
    }
}

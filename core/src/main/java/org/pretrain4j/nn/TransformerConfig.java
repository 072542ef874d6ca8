package org.pretrain4j.nn;

import org.pretrain4j.spi.AttentionKind;

/**
 * Sizes and options of the shared transformer. Causal attention builds a pre-LN GPT decoder,
 * bidirectional a post-LN BERT encoder.
 *
 * <p>The last three options let published checkpoints run as they were trained: the feed-forward
 * {@code activation} (GPT-2 uses {@code gelu_new}); {@code paddingPositionIndex}, -1 for
 * positions 0, 1, ... (BERT, GPT-2) or RoBERTa's padding index, positions then being
 * {@code cumsum(mask) * mask + paddingPositionIndex}; and {@code outputBias}, whether the causal
 * decoder adds a bias to the tied output projection (GPT-2 has none).
 */
public record TransformerConfig(
        int layers,
        int hidden,
        int heads,
        int ffn,
        int vocabularySize,
        int maxPositions,
        int typeVocabularySize,
        AttentionKind attention,
        double hiddenDropout,
        double attentionDropout,
        double layerNormEpsilon,
        double initializerRange,
        Activation activation,
        int paddingPositionIndex,
        boolean outputBias) {

    public TransformerConfig {
        java.util.Objects.requireNonNull(activation, "activation is null");
        if (paddingPositionIndex < -1 || paddingPositionIndex >= maxPositions - 1) {
            throw new IllegalArgumentException("paddingPositionIndex " + paddingPositionIndex + " must be -1 or a row of the "
                    + maxPositions + " position embeddings below the last");
        }
        positive("layers", layers);
        positive("hidden", hidden);
        positive("heads", heads);
        positive("ffn", ffn);
        positive("vocabularySize", vocabularySize);
        positive("maxPositions", maxPositions);
        positive("typeVocabularySize", typeVocabularySize);
        if (hidden % heads != 0) {
            throw new IllegalArgumentException("hidden " + hidden + " is not a multiple of heads " + heads);
        }
        if (!(hiddenDropout >= 0 && hiddenDropout < 1) || !(attentionDropout >= 0 && attentionDropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1)");
        }
    }

    /** The options of the presets: exact GELU, positions from 0, an output bias on the causal decoder. */
    public TransformerConfig(int layers, int hidden, int heads, int ffn, int vocabularySize, int maxPositions,
            int typeVocabularySize, AttentionKind attention, double hiddenDropout, double attentionDropout,
            double layerNormEpsilon, double initializerRange) {
        this(layers, hidden, heads, ffn, vocabularySize, maxPositions, typeVocabularySize, attention, hiddenDropout,
                attentionDropout, layerNormEpsilon, initializerRange, Activation.GELU, -1, true);
    }

    /** Whether positions follow RoBERTa (offset past the padding index, counted over tokens only). */
    public boolean robertaPositions() {
        return paddingPositionIndex >= 0;
    }

    /** The longest sequence the position table holds (RoBERTa's first positions are taken by padding). */
    public int usablePositions() {
        return paddingPositionIndex >= 0 ? maxPositions - paddingPositionIndex - 1 : maxPositions;
    }

    /** Width of one attention head. */
    public int headSize() {
        return hidden / heads;
    }

    /**
     * Fails with a message a user can act on when sequences of this length do not fit the position
     * table (the graph cannot tell at build time: the sequence dim is symbolic).
     */
    public void checkSequenceLength(int sequenceLength) {
        if (sequenceLength <= 0 || sequenceLength > usablePositions()) {
            throw new IllegalArgumentException("sequence length " + sequenceLength + " does not fit the model: it must be in [1, "
                    + usablePositions() + "], the number of position embeddings (max positions)");
        }
    }

    /** A preset's sizes with BERT defaults (dropout 0.1, LayerNorm epsilon 1e-12 for BERT / 1e-5 for GPT, initialiser 0.02). */
    public static TransformerConfig preset(Preset preset, int vocabularySize, int maxPositions, AttentionKind attention) {
        boolean causal = attention == AttentionKind.CAUSAL;
        return new TransformerConfig(preset.layers, preset.hidden, preset.heads, preset.ffn, vocabularySize, maxPositions,
                causal ? 1 : 2, attention, 0.1, 0.1, causal ? 1e-5 : 1e-12, 0.02);
    }

    /** The same configuration with other dropout rates. */
    public TransformerConfig withDropout(double hidden, double attention) {
        return new TransformerConfig(layers, this.hidden, heads, ffn, vocabularySize, maxPositions, typeVocabularySize,
                this.attention, hidden, attention, layerNormEpsilon, initializerRange, activation, paddingPositionIndex, outputBias);
    }

    private static void positive(String name, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + v);
        }
    }

    /** The BERT miniatures (Turc et al. 2019) and their GPT counterparts. */
    public enum Preset {
        TINY(2, 128, 2, 512),
        MINI(4, 256, 4, 1024),
        SMALL(4, 512, 8, 2048),
        MEDIUM(8, 512, 8, 2048);

        public final int layers;
        public final int hidden;
        public final int heads;
        public final int ffn;

        Preset(int layers, int hidden, int heads, int ffn) {
            this.layers = layers;
            this.hidden = hidden;
            this.heads = heads;
            this.ffn = ffn;
        }

        /** Parses a preset name such as "tiny"; an unknown name lists the available ones. */
        public static Preset parse(String name) {
            for (Preset p : values()) {
                if (p.name().equalsIgnoreCase(name)) {
                    return p;
                }
            }
            throw new IllegalArgumentException("Unknown preset '" + name + "'. Available: [tiny, mini, small, medium]");
        }
    }
}

package org.pretrain4j.objective.mlm;

import java.util.Arrays;
import java.util.List;
import org.pretrain4j.data.RandomSource;
import org.pretrain4j.spi.MaskingVocabulary;
import org.pretrain4j.spi.PluginException;
import org.pretrain4j.spi.PluginProperties;
import org.pretrain4j.spi.PropertySpec;
import org.pretrain4j.text.SpecialTokens;

/**
 * What a chosen position is replaced with, as absolute probabilities: the mask token, a random
 * ordinary token, or the original token (BERT: 0.8 / 0.1 / 0.1). Shared by every strategy so that
 * the draws and the validation are the same everywhere.
 */
public record MaskReplacement(double mask, double random, double keep) {
    /** BERT's split. */
    public static final MaskReplacement BERT = new MaskReplacement(0.8, 0.1, 0.1);

    /** The properties every strategy accepts for the split, with BERT's defaults. */
    public static final List<PropertySpec> PROPERTIES = List.of(
            new PropertySpec("mask", Double.toString(BERT.mask), "Probability that a chosen position becomes the mask token"),
            new PropertySpec("random", Double.toString(BERT.random), "Probability that a chosen position becomes a random ordinary token"),
            new PropertySpec("keep", Double.toString(BERT.keep), "Probability that a chosen position keeps its token"));

    private static final double SUM_TOLERANCE = 1e-9;

    public MaskReplacement {
        check("mask", mask);
        check("random", random);
        check("keep", keep);
        double sum = mask + random + keep;
        if (Math.abs(sum - 1) > SUM_TOLERANCE) {
            throw new PluginException("replacement probabilities must sum to 1: mask " + mask + " + random " + random
                    + " + keep " + keep + " = " + sum);
        }
    }

    /** Reads {@code mask}, {@code random} and {@code keep}. */
    public static MaskReplacement from(PluginProperties properties) {
        return new MaskReplacement(properties.number("mask", 0, 1), properties.number("random", 0, 1),
                properties.number("keep", 0, 1));
    }

    /** The three outcomes. */
    public enum Choice { MASK, RANDOM, KEEP }

    /** Draws one outcome with one uniform number u: mask when u &lt; mask, random when u &lt; mask + random, else keep. */
    public Choice decide(RandomSource r) {
        double u = r.nextDouble();
        if (u < mask) {
            return Choice.MASK;
        }
        return u < mask + random ? Choice.RANDOM : Choice.KEEP;
    }

    /** The id for an outcome; a random id costs one more draw. */
    public static int apply(Choice choice, int original, MaskingVocabulary vocabulary, RandomSource r) {
        switch (choice) {
            case MASK:
                return vocabulary.maskId();
            case RANDOM:
                return randomOrdinaryId(vocabulary, r);
            default:
                return original;
        }
    }

    /** Decides and applies for one position. */
    public int replace(int original, MaskingVocabulary vocabulary, RandomSource r) {
        return apply(decide(r), original, vocabulary, r);
    }

    /** A uniform id among the ids that are not special, with one draw of {@code nextInt(size - specials)}. */
    public static int randomOrdinaryId(MaskingVocabulary vocabulary, RandomSource r) {
        int[] specials = specialIds(vocabulary);
        int ordinary = vocabulary.size() - specials.length;
        if (ordinary <= 0) {
            throw new IllegalStateException("vocabulary of " + vocabulary.size() + " has no ordinary token to draw");
        }
        // The k-th ordinary id: step over every special id at or below it (ascending order makes one pass enough).
        int k = r.nextInt(ordinary);
        for (int s : specials) {
            if (s <= k) {
                k++;
            }
        }
        return k;
    }

    private static int[] specialIds(MaskingVocabulary v) {
        SpecialTokens t = v.specialTokens();
        return Arrays.stream(new int[] {t.pad(), t.unk(), t.cls(), t.sep(), t.mask(), t.bos(), t.eos(), v.maskId()})
                .filter(id -> id >= 0 && id < v.size())
                .distinct()
                .sorted()
                .toArray();
    }

    private static void check(String key, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new PluginException("replacement probability '" + key + "' = " + p + " must be in [0, 1]");
        }
    }
}

package org.pretrain4j.objective.mlm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.pretrain4j.data.RandomSource;
import org.pretrain4j.spi.MaskDecision;
import org.pretrain4j.spi.MaskingVocabulary;
import org.pretrain4j.spi.PluginException;
import org.pretrain4j.spi.PluginProperties;
import org.pretrain4j.spi.PropertySpec;

/** The parts the strategies share: candidate positions, words, the prediction budget and the rate properties. */
final class MaskingLaw {
    static final String DEFAULT_RATE = "0.15";
    static final String NO_CAP = "none";

    /** The rate and cap every strategy accepts. */
    static final List<PropertySpec> RATE_PROPERTIES = List.of(
            new PropertySpec("rate", DEFAULT_RATE, "Fraction of the maskable tokens to predict"),
            new PropertySpec("max-predictions", NO_CAP, "At most this many predictions per example, or none for no cap"));

    private MaskingLaw() {}

    /** The checks of the rate and the cap that every strategy's configuration makes, with the same messages. */
    static void checkRate(String strategy, double rate, Integer maxPredictions) {
        if (!(rate > 0 && rate <= 1)) {
            throw new PluginException("masking strategy '" + strategy + "': property 'rate' = '" + rate + "' must be in (0, 1]");
        }
        if (maxPredictions != null && maxPredictions < 1) {
            throw new PluginException("masking strategy '" + strategy + "': property 'max-predictions' = '" + maxPredictions
                    + "' must be at least 1");
        }
    }

    static double rate(PluginProperties p) {
        double rate = p.number("rate", 0, 1);
        if (rate == 0) {
            throw p.invalid("rate", p.string("rate"), "must be above 0");
        }
        return rate;
    }

    /** The cap, or null for {@value #NO_CAP}. */
    static Integer maxPredictions(PluginProperties p) {
        return NO_CAP.equals(p.string("max-predictions")) ? null : p.optionalInteger("max-predictions", 1, Integer.MAX_VALUE);
    }

    static List<PropertySpec> with(List<PropertySpec> own) {
        List<PropertySpec> all = new ArrayList<>(own);
        all.addAll(RATE_PROPERTIES);
        all.addAll(MaskReplacement.PROPERTIES);
        return List.copyOf(all);
    }

    /** True where a position may be chosen: not flagged by the layout and not a special id (padding, [UNK], ...). */
    static boolean[] candidates(int[] tokens, boolean[] special, MaskingVocabulary vocabulary) {
        if (special.length != tokens.length) {
            throw new IllegalArgumentException("tokens and special differ in length: " + tokens.length + " and " + special.length);
        }
        boolean[] c = new boolean[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            c[i] = !special[i] && !vocabulary.specialTokens().isSpecial(tokens[i]) && tokens[i] != vocabulary.maskId();
        }
        return c;
    }

    /** Candidate positions, ascending. */
    static int[] positions(boolean[] candidates) {
        int n = 0;
        int[] out = new int[candidates.length];
        for (int i = 0; i < candidates.length; i++) {
            if (candidates[i]) {
                out[n++] = i;
            }
        }
        return Arrays.copyOf(out, n);
    }

    /**
     * Words as {@code [start, end)} runs of candidates: a word starts at a word start, or after a
     * position that is not a candidate, and takes the continuation tokens that follow it.
     */
    static List<int[]> words(boolean[] candidates, boolean[] wordStarts) {
        if (wordStarts.length != candidates.length) {
            throw new IllegalArgumentException("tokens and wordStarts differ in length: " + candidates.length + " and " + wordStarts.length);
        }
        List<int[]> words = new ArrayList<>();
        int i = 0;
        while (i < candidates.length) {
            if (!candidates[i]) {
                i++;
                continue;
            }
            int start = i++;
            while (i < candidates.length && candidates[i] && !wordStarts[i]) {
                i++;
            }
            words.add(new int[] {start, i});
        }
        return words;
    }

    /**
     * google BERT's number of predictions, {@code min(max_predictions, max(1, round(n * rate)))},
     * with n the number of candidates (google counts [CLS] and [SEP] too) and Python 3's
     * round-half-to-even; never more than the candidates.
     */
    static int budget(int candidates, double rate, Integer maxPredictions) {
        if (candidates == 0) {
            return 0;
        }
        int k = Math.max(1, (int) Math.rint(candidates * rate));
        if (maxPredictions != null) {
            k = Math.min(k, maxPredictions);
        }
        return Math.min(k, candidates);
    }

    /** Swaps a uniform pick from {@code a[i..)} into {@code a[i]}: step i of a Fisher-Yates shuffle, one draw. */
    static void shuffleStep(int[] a, int i, RandomSource r) {
        int j = r.nextInt(i, a.length);
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }

    /** Replaces each chosen position on its own, in ascending order. */
    static MaskDecision replaceEach(int[] chosen, int[] tokens, MaskReplacement replacement, MaskingVocabulary vocabulary,
            RandomSource r) {
        int[] positions = chosen.clone();
        Arrays.sort(positions);
        int[] replacements = new int[positions.length];
        for (int k = 0; k < positions.length; k++) {
            replacements[k] = replacement.replace(tokens[positions[k]], vocabulary, r);
        }
        return new MaskDecision(positions, replacements);
    }
}

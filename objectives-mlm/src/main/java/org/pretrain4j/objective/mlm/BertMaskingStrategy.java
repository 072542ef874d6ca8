package org.pretrain4j.objective.mlm;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import org.pretrain4j.data.RandomSource;
import org.pretrain4j.spi.MaskDecision;
import org.pretrain4j.spi.MaskingStrategy;
import org.pretrain4j.spi.MaskingVocabulary;

/**
 * Token-level masking as google BERT and Hugging Face do it. Draw order (what golden tests replay):
 * {@code exact} takes {@code budget} steps of a Fisher-Yates shuffle over the candidate positions
 * ({@code nextInt(i, m)} each); {@code bernoulli} draws one {@code nextDouble()} per candidate in
 * order (and, past the cap, shuffle steps to keep a uniform subset); then each chosen position in
 * ascending order draws its replacement ({@link MaskReplacement#replace}).
 */
public final class BertMaskingStrategy implements MaskingStrategy {
    private final BertMaskingConfig config;

    public BertMaskingStrategy(BertMaskingConfig config) {
        this.config = requireNonNull(config, "config is null");
    }

    public BertMaskingConfig config() {
        return config;
    }

    @Override
    public MaskDecision choose(int[] tokens, boolean[] special, boolean[] wordStarts, MaskingVocabulary vocabulary, RandomSource random) {
        int[] candidates = MaskingLaw.positions(MaskingLaw.candidates(tokens, special, vocabulary));
        int[] chosen = config.selection() == BertMaskingConfig.Selection.EXACT
                ? exact(candidates, random)
                : bernoulli(candidates, random);
        return MaskingLaw.replaceEach(chosen, tokens, config.replacement(), vocabulary, random);
    }

    private int[] exact(int[] candidates, RandomSource random) {
        return pick(candidates, MaskingLaw.budget(candidates.length, config.rate(), config.maxPredictions()), random);
    }

    private int[] bernoulli(int[] candidates, RandomSource random) {
        int n = 0;
        int[] chosen = new int[candidates.length];
        for (int p : candidates) {
            if (random.nextDouble() < config.rate()) {
                chosen[n++] = p;
            }
        }
        chosen = Arrays.copyOf(chosen, n);
        Integer cap = config.maxPredictions();
        return cap != null && n > cap ? pick(chosen, cap, random) : chosen;
    }

    /** A uniform subset of {@code k} of {@code from}, by k shuffle steps. */
    private static int[] pick(int[] from, int k, RandomSource random) {
        int[] a = from.clone();
        for (int i = 0; i < k; i++) {
            MaskingLaw.shuffleStep(a, i, random);
        }
        return Arrays.copyOf(a, k);
    }
}

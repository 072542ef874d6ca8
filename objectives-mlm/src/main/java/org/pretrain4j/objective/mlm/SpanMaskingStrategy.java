package org.pretrain4j.objective.mlm;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.List;
import org.pretrain4j.data.RandomSource;
import org.pretrain4j.spi.MaskDecision;
import org.pretrain4j.spi.MaskingStrategy;
import org.pretrain4j.spi.MaskingVocabulary;

/**
 * SpanBERT's span masking. Until the budget of tokens is met: draw a span length in words
 * ({@code nextDouble()} against the truncated geometric law), draw an anchor word
 * ({@code nextInt(words)}; drawn again if already masked), and mask that word and the words that
 * follow it, up to the length, stopping at a special token and at the budget (the last span may end
 * inside a word, as SpanBERT's does). Replacement is decided per span, as SpanBERT does: one
 * {@link MaskReplacement#decide} per span in the order spans were made, then a random id per token
 * of a span that draws random.
 */
public final class SpanMaskingStrategy implements MaskingStrategy {
    private final SpanMaskingConfig config;
    private final double[] cumulative;

    public SpanMaskingStrategy(SpanMaskingConfig config) {
        this.config = requireNonNull(config, "config is null");
        double[] d = config.lengthDistribution();
        cumulative = new double[d.length];
        double sum = 0;
        for (int i = 0; i < d.length; i++) {
            sum += d[i];
            cumulative[i] = sum;
        }
        cumulative[d.length - 1] = 1.0;
    }

    public SpanMaskingConfig config() {
        return config;
    }

    /** The span length in words for a uniform draw u: the smallest l with u below the cumulative probability of l. */
    int spanLength(double u) {
        for (int i = 0; i < cumulative.length; i++) {
            if (u < cumulative[i]) {
                return i + 1;
            }
        }
        return cumulative.length;
    }

    @Override
    public MaskDecision choose(int[] tokens, boolean[] special, boolean[] wordStarts, MaskingVocabulary vocabulary, RandomSource random) {
        boolean[] candidates = MaskingLaw.candidates(tokens, special, vocabulary);
        List<int[]> words = MaskingLaw.words(candidates, wordStarts);
        int budget = MaskingLaw.budget(MaskingLaw.positions(candidates).length, config.rate(), config.maxPredictions());
        int[] spanOf = new int[tokens.length];
        Arrays.fill(spanOf, -1);
        int covered = 0;
        int spans = 0;
        while (covered < budget) {
            int length = spanLength(random.nextDouble());
            int anchor = random.nextInt(words.size());
            if (spanOf[words.get(anchor)[0]] >= 0) {
                continue;
            }
            int span = spans++;
            for (int w = anchor, taken = 0; taken < length && w < words.size() && covered < budget; w++, taken++) {
                if (w > anchor && words.get(w - 1)[1] != words.get(w)[0]) {
                    break; // a special token lies between: spans do not cross [SEP]
                }
                for (int p = words.get(w)[0]; p < words.get(w)[1] && covered < budget; p++) {
                    if (spanOf[p] < 0) {
                        spanOf[p] = span;
                        covered++;
                    }
                }
            }
        }
        int[] positions = new int[covered];
        int[] replacements = new int[covered];
        int[] replacementAt = new int[tokens.length];
        for (int s = 0; s < spans; s++) {
            MaskReplacement.Choice choice = config.replacement().decide(random);
            for (int p = 0; p < tokens.length; p++) {
                if (spanOf[p] == s) {
                    replacementAt[p] = MaskReplacement.apply(choice, tokens[p], vocabulary, random);
                }
            }
        }
        int k = 0;
        for (int p = 0; p < tokens.length; p++) {
            if (spanOf[p] >= 0) {
                positions[k] = p;
                replacements[k++] = replacementAt[p];
            }
        }
        return new MaskDecision(positions, replacements);
    }
}

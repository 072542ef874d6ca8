package org.pretrain4j.objective.mlm;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.pretrain4j.data.RandomSource;
import org.pretrain4j.spi.MaskDecision;
import org.pretrain4j.spi.MaskingStrategy;
import org.pretrain4j.spi.MaskingVocabulary;

/**
 * Whole-word masking as google BERT's {@code do_whole_word_mask}: words come from the word starts
 * the tokenizer marks (WordPiece: not a {@code ##} piece; byte-level BPE: first piece of a
 * pre-tokenized word), are visited in a shuffled order and taken whole while they fit the budget
 * (a word that would overshoot it is skipped). Each token of a chosen word is then replaced on its
 * own, as google BERT does. Draw order: one shuffle step ({@code nextInt(i, words)}) per word
 * visited, then the replacements in ascending position order.
 */
public final class WholeWordMaskingStrategy implements MaskingStrategy {
    private final WholeWordMaskingConfig config;

    public WholeWordMaskingStrategy(WholeWordMaskingConfig config) {
        this.config = requireNonNull(config, "config is null");
    }

    public WholeWordMaskingConfig config() {
        return config;
    }

    @Override
    public MaskDecision choose(int[] tokens, boolean[] special, boolean[] wordStarts, MaskingVocabulary vocabulary, RandomSource random) {
        boolean[] candidates = MaskingLaw.candidates(tokens, special, vocabulary);
        List<int[]> words = MaskingLaw.words(candidates, wordStarts);
        int budget = MaskingLaw.budget(MaskingLaw.positions(candidates).length, config.rate(), config.maxPredictions());
        int[] order = new int[words.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        int[] chosen = new int[budget];
        int covered = 0;
        for (int i = 0; i < order.length && covered < budget; i++) {
            MaskingLaw.shuffleStep(order, i, random);
            int[] word = words.get(order[i]);
            int length = word[1] - word[0];
            if (covered + length > budget) {
                continue;
            }
            for (int p = word[0]; p < word[1]; p++) {
                chosen[covered++] = p;
            }
        }
        return MaskingLaw.replaceEach(java.util.Arrays.copyOf(chosen, covered), tokens, config.replacement(), vocabulary, random);
    }
}

package org.pretrain4j.spi;

import org.pretrain4j.data.RandomSource;

/**
 * Chooses the positions an MLM-style objective predicts and the token each is replaced with.
 * Implementations are immutable and thread-safe; all randomness comes from the given source.
 */
public interface MaskingStrategy {
    /**
     * Returns the chosen positions (ascending, never a position where {@code special} is true) and
     * their replacement ids. Arrays are not mutated.
     */
    MaskDecision choose(int[] tokens, boolean[] special, boolean[] wordStarts, MaskingVocabulary vocabulary, RandomSource random);
}

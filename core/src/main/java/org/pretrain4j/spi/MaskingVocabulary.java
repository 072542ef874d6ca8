package org.pretrain4j.spi;

import org.pretrain4j.text.SpecialTokens;

/** What a masking strategy needs to know of the vocabulary: its size, the mask id and which ids are special (never a random replacement). */
public record MaskingVocabulary(int size, int maskId, SpecialTokens specialTokens) {
    public MaskingVocabulary {
        if (maskId < 0 || maskId >= size) {
            throw new IllegalArgumentException("mask id " + maskId + " outside vocabulary of " + size);
        }
    }
}

package org.pretrain4j.spi;

import java.util.Arrays;

/** Positions chosen for prediction (ascending) and the id placed at each (the mask id, a random id, or the original). */
public record MaskDecision(int[] positions, int[] replacements) {
    public MaskDecision {
        if (positions.length != replacements.length) {
            throw new IllegalArgumentException("positions and replacements differ in length");
        }
        for (int i = 1; i < positions.length; i++) {
            if (positions[i] <= positions[i - 1]) {
                throw new IllegalArgumentException("positions must be strictly ascending: " + Arrays.toString(positions));
            }
        }
    }

    public int size() {
        return positions.length;
    }
}

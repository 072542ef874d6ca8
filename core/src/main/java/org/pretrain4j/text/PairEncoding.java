package org.pretrain4j.text;

/**
 * A sentence pair as the exported model sees it: the tokens with the post-processor's special
 * tokens, and the token type id of each (0 for the first text, 1 for the second and its final
 * separator). Offsets of each token point into its own text. Arrays are owned; do not mutate.
 */
public record PairEncoding(Encoding encoding, int[] typeIds) {
    public PairEncoding {
        if (typeIds.length != encoding.length()) {
            throw new IllegalArgumentException("typeIds length " + typeIds.length + " != encoding length " + encoding.length());
        }
    }
}

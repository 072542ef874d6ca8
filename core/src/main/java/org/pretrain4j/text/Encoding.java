package org.pretrain4j.text;

/**
 * The tokens of one text: ids, character offsets {@code [starts[i], ends[i])} into the original
 * string, and {@code wordStarts[i]} true where a token begins a new word (WordPiece: not a
 * {@code ##} continuation; byte-level BPE: the first token of a pre-tokenized word).
 * Arrays are owned by the encoding; do not mutate.
 *
 * <p>Offsets are UTF-16 indices, so {@code text.substring(starts[i], ends[i])} is the token's text;
 * Hugging Face reports code-point indices, which differ only after characters outside the BMP
 * (emoji). Special tokens added by the post-processor ([CLS], [SEP]) have offsets (0, 0), as there.
 */
public record Encoding(int[] ids, int[] starts, int[] ends, boolean[] wordStarts) {
    public Encoding {
        if (starts.length != ids.length || ends.length != ids.length || wordStarts.length != ids.length) {
            throw new IllegalArgumentException("encoding arrays differ in length");
        }
    }

    /** Number of tokens. */
    public int length() {
        return ids.length;
    }
}

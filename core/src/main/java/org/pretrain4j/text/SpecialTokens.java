package org.pretrain4j.text;

/**
 * Ids of the special tokens of a vocabulary; -1 where the tokenizer has none.
 *
 * <p>WordPiece vocabularies have pad, unk, cls, sep and mask; byte-level BPE has
 * {@code <|endoftext|>} as bos, eos and (for batching) pad.
 */
public record SpecialTokens(int pad, int unk, int cls, int sep, int mask, int bos, int eos) {
    /** Returns true if {@code id} is one of these special tokens. */
    public boolean isSpecial(int id) {
        return id >= 0 && (id == pad || id == unk || id == cls || id == sep || id == mask || id == bos || id == eos);
    }
}

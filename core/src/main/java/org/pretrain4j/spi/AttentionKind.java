package org.pretrain4j.spi;

/** The self-attention an objective needs from the shared transformer. */
public enum AttentionKind {
    /** Every token sees every other (BERT, post-LN encoder). */
    BIDIRECTIONAL,
    /** A token sees itself and the tokens before it (GPT, pre-LN decoder). */
    CAUSAL
}

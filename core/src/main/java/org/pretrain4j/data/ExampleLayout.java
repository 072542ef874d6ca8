package org.pretrain4j.data;

/** How an objective wants its examples built from documents. */
public enum ExampleLayout {
    /** Documents concatenated with separators and chunked to the sequence length (CLM, plain MLM). */
    PACKED_BLOCKS,
    /** google-BERT sentence pairs {@code [CLS] A [SEP] B [SEP]}, B a random segment half the time (NSP). */
    SENTENCE_PAIRS,
    /**
     * ALBERT's pairs for sentence order: the same algorithm, but B is always the segment that follows A
     * in the same document, except where a chunk holds a single sentence (ALBERT's
     * create_pretraining_data then draws a random B, too).
     */
    CONSECUTIVE_PAIRS;

    /** Whether examples are {@code [CLS] A [SEP] B [SEP]} pairs with segment ids. */
    public boolean pairs() {
        return this != PACKED_BLOCKS;
    }
}

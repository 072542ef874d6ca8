package org.pretrain4j.data;

/** How an objective wants its examples built from documents. */
public enum ExampleLayout {
    /** Documents concatenated with separators and chunked to the sequence length (CLM, plain MLM). */
    PACKED_BLOCKS,
    /** google-BERT sentence pairs {@code [CLS] A [SEP] B [SEP]} with a pair label (NSP, SOP). */
    SENTENCE_PAIRS
}

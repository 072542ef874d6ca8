package org.pretrain4j.data;

import static java.util.Objects.requireNonNull;

import org.pretrain4j.text.Tokenizer;

/** The example source an objective's layout asks for, with the defaults of the systems it follows. */
public final class ExampleSources {
    /** Examples held by the shuffle buffer: google BERT shuffles all instances; this bounds it for streaming. */
    public static final int DEFAULT_SHUFFLE = 10_000;

    private ExampleSources() {
    }

    /**
     * Packed blocks crossing document boundaries (GPT-2, RoBERTa FULL-SENTENCES) or google-BERT sentence
     * pairs ({@code short_seq_prob} 0.1, random B from a window of 1,000 documents), shuffled through a
     * buffer of {@link #DEFAULT_SHUFFLE} examples; all keyed by {@code seed}.
     */
    public static ExampleSource forLayout(ExampleLayout layout, Corpus corpus, Tokenizer tokenizer, int sequenceLength, long seed) {
        return forLayout(layout, TokenizedCorpus.of(corpus, tokenizer), tokenizer, sequenceLength, seed);
    }

    /** As {@link #forLayout(ExampleLayout, Corpus, Tokenizer, int, long)}, from documents already tokenized. */
    public static ExampleSource forLayout(ExampleLayout layout, TokenizedCorpus corpus, Tokenizer tokenizer, int sequenceLength,
            long seed) {
        return new ShuffledExamples(inOrder(layout, corpus, tokenizer, sequenceLength, seed), DEFAULT_SHUFFLE, seed);
    }

    /** The same examples in corpus order, unshuffled (held-out splits: shuffling them changes nothing but the cost). */
    public static ExampleSource inOrder(ExampleLayout layout, Corpus corpus, Tokenizer tokenizer, int sequenceLength, long seed) {
        return inOrder(layout, TokenizedCorpus.of(corpus, tokenizer), tokenizer, sequenceLength, seed);
    }

    /** As {@link #inOrder(ExampleLayout, Corpus, Tokenizer, int, long)}, from documents already tokenized. */
    public static ExampleSource inOrder(ExampleLayout layout, TokenizedCorpus corpus, Tokenizer tokenizer, int sequenceLength,
            long seed) {
        requireNonNull(layout, "layout is null");
        if (layout.pairs()) {
            return new SentencePairs(layout, corpus, tokenizer, sequenceLength, SentencePairs.DEFAULT_SHORT_SEQ_PROB,
                    SentencePairs.DEFAULT_WINDOW, seed);
        }
        return new PackedBlocks(corpus, tokenizer, sequenceLength, PackedBlocks.Boundaries.CROSS);
    }
}

package org.pretrain4j.data;

import static java.util.Objects.requireNonNull;

import java.util.ArrayDeque;
import java.util.NoSuchElementException;
import org.pretrain4j.text.SpecialTokens;
import org.pretrain4j.text.Tokenizer;

/**
 * Packed blocks: documents concatenated with separators and chunked to the sequence length.
 *
 * <p>With a WordPiece vocabulary every block starts with [CLS] and documents end with [SEP]; with
 * byte-level BPE documents end with {@code <|endoftext|>} and blocks have no prefix. Two modes,
 * as fairseq's {@code --sample-break-mode}:
 * <ul>
 * <li>{@link Boundaries#CROSS} ({@code none}): one token stream, every block exactly the sequence
 * length except the last of the corpus; a separator falls wherever the stream puts it, including at
 * the start of a block, and is never dropped;
 * <li>{@link Boundaries#KEEP} ({@code complete_doc}): a block holds whole sentences of one document
 * (a sentence longer than a block is split across blocks), so blocks may be shorter. WordPiece
 * blocks are {@code [CLS] ... [SEP]}; BPE blocks end with {@code <|endoftext|>} where the document
 * ends.
 * </ul>
 * Segment ids are all 0 and the pair label is -1. Streaming: one document in memory at a time.
 */
public final class PackedBlocks implements ExampleSource {
    /** Whether a block may hold tokens of two documents. */
    public enum Boundaries {
        /** fairseq {@code complete_doc}: never cross a document boundary. */
        KEEP,
        /** fairseq {@code none}: fill every block, crossing document boundaries. */
        CROSS
    }

    private final TokenizedCorpus corpus;
    private final int sequenceLength;
    private final Boundaries boundaries;
    private final int prefix;
    private final int separator;

    public PackedBlocks(Corpus corpus, Tokenizer tokenizer, int sequenceLength, Boundaries boundaries) {
        this(TokenizedCorpus.of(corpus, tokenizer), tokenizer, sequenceLength, boundaries);
    }

    /** Blocks of documents already tokenized with {@code tokenizer} (whose special tokens frame them). */
    public PackedBlocks(TokenizedCorpus corpus, Tokenizer tokenizer, int sequenceLength, Boundaries boundaries) {
        this.corpus = requireNonNull(corpus, "corpus is null");
        requireNonNull(tokenizer, "tokenizer is null");
        this.boundaries = requireNonNull(boundaries, "boundaries is null");
        SpecialTokens s = tokenizer.specialTokens();
        if (s.cls() >= 0 && s.sep() >= 0) {
            prefix = s.cls();
            separator = s.sep();
        } else if (s.eos() >= 0) {
            prefix = -1;
            separator = s.eos();
        } else {
            throw new IllegalArgumentException("packed blocks need [CLS] and [SEP] or an end-of-text token in the vocabulary");
        }
        int minimum = prefix >= 0 ? 3 : 2;
        if (sequenceLength < minimum) {
            throw new IllegalArgumentException("sequence length " + sequenceLength + " is too short for packed blocks (minimum " + minimum + ")");
        }
        this.sequenceLength = sequenceLength;
    }

    @Override
    public int maxLength() {
        return sequenceLength;
    }

    @Override
    public ExampleLayout layout() {
        return ExampleLayout.PACKED_BLOCKS;
    }

    @Override
    public ExampleStream open(long epoch) {
        TokenizedReader reader = corpus.open();
        return boundaries == Boundaries.CROSS ? new CrossStream(reader) : new KeepStream(reader);
    }

    private abstract class Stream implements ExampleStream {
        final TokenizedReader reader;
        final ArrayDeque<Example> pending = new ArrayDeque<>();
        final BlockBuilder block = new BlockBuilder(sequenceLength);
        long index;
        boolean finished;

        Stream(TokenizedReader reader) {
            this.reader = reader;
        }

        /** Reads one more document (or the end) and queues the blocks it completes. */
        abstract void advance();

        void emit() {
            pending.add(block.build(index++, -1, null));
            block.clear();
        }

        @Override
        public boolean hasNext() {
            while (pending.isEmpty() && !finished) {
                advance();
            }
            if (pending.isEmpty() && index == 0) {
                throw reader.nothingRead();
            }
            return !pending.isEmpty();
        }

        @Override
        public Example next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return pending.poll();
        }

        @Override
        public void close() {
            reader.close();
        }
    }

    private final class CrossStream extends Stream {
        CrossStream(TokenizedReader reader) {
            super(reader);
        }

        private void add(int token, boolean wordStart, boolean special) {
            if (block.size == 0 && prefix >= 0) {
                block.addSpecial(prefix);
            }
            block.add(token, wordStart, special);
            if (block.size == sequenceLength) {
                emit();
            }
        }

        @Override
        void advance() {
            TokenizedDocument d = reader.next();
            if (d == null) {
                finished = true;
                if (block.size > 0) {
                    emit();
                }
                return;
            }
            for (int s = 0; s < d.size(); s++) {
                int[] ids = d.sentences()[s];
                boolean[] starts = d.wordStarts()[s];
                for (int k = 0; k < ids.length; k++) {
                    add(ids[k], starts[k], false);
                }
            }
            add(separator, true, true);
        }
    }

    private final class KeepStream extends Stream {
        private final int capacity = sequenceLength - 1 - (prefix >= 0 ? 1 : 0);
        private final BlockBuilder content = new BlockBuilder(sequenceLength);

        KeepStream(TokenizedReader reader) {
            super(reader);
        }

        private void flush(boolean documentEnd) {
            if (prefix >= 0) {
                block.addSpecial(prefix);
            }
            for (int k = 0; k < content.size; k++) {
                // A block that starts inside a word still starts a word for the masking strategies.
                block.add(content.tokens[k], content.wordStarts[k] || k == 0, false);
            }
            if (prefix >= 0 || documentEnd) {
                block.addSpecial(separator);
            }
            content.clear();
            emit();
        }

        @Override
        void advance() {
            TokenizedDocument d = reader.next();
            if (d == null) {
                finished = true;
                return;
            }
            for (int s = 0; s < d.size(); s++) {
                int[] ids = d.sentences()[s];
                boolean[] starts = d.wordStarts()[s];
                if (content.size + ids.length > capacity && content.size > 0) {
                    flush(false);
                }
                for (int k = 0; k < ids.length; k++) {
                    if (content.size == capacity) {
                        flush(false);
                    }
                    content.add(ids[k], starts[k], false);
                }
            }
            flush(true);
        }
    }
}

package org.pretrain4j.data;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.stream.Stream;

/**
 * A re-readable source of documents: each {@link #open()} streams them again from the start, in
 * the same order, so that epochs and resumes see the same data. Implementations are immutable.
 */
public interface Corpus {
    /** A short name for messages and run metadata (a path, "europarl-sample[en]"). */
    String name();

    /** Opens a new pass over the documents; failures are {@link CorpusException}s naming the file. */
    DocumentReader open();

    /** The documents as a stream; close it (try-with-resources) to release files. */
    default Stream<Document> documents() {
        return open().stream();
    }

    /**
     * Every sentence of every document, streamed (each iteration opens a new pass and closes it at
     * the end): what the tokenizer trainers read.
     */
    default Iterable<String> sentences() {
        return () -> new java.util.Iterator<String>() {
            private final DocumentReader reader = open();
            private java.util.Iterator<String> current = java.util.Collections.emptyIterator();
            private boolean closed;

            @Override
            public boolean hasNext() {
                while (!current.hasNext()) {
                    if (closed || !reader.hasNext()) {
                        if (!closed) {
                            closed = true;
                            reader.close();
                        }
                        return false;
                    }
                    current = reader.next().sentences().iterator();
                }
                return true;
            }

            @Override
            public String next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                return current.next();
            }
        };
    }

    /**
     * The training or validation part of this corpus, split by document: document {@code i} is in
     * validation when a uniform draw keyed by (seed, i) is below {@code validationFraction}, so the
     * split is reproducible from the seed and needs no pass over the data.
     */
    default Corpus split(long seed, double validationFraction, boolean validation) {
        return new SplitCorpus(this, seed, validationFraction, validation);
    }

    /**
     * Whether document {@code documentIndex} (counting from 0 the documents a pass returns) is in the
     * validation part of {@link #split}: what a corpus stored in another form uses to split alike.
     */
    static boolean isValidationDocument(long seed, double validationFraction, long documentIndex) {
        return SplitCorpus.isValidation(seed, validationFraction, documentIndex);
    }

    /** A corpus over documents in memory. */
    static Corpus of(String name, List<Document> documents) {
        requireNonNull(name, "name is null");
        List<Document> copy = List.copyOf(documents);
        return new Corpus() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public DocumentReader open() {
                return DocumentReader.of(copy);
            }
        };
    }
}

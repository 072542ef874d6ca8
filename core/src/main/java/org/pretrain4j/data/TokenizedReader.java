package org.pretrain4j.data;

/**
 * One pass over the documents of a {@link TokenizedCorpus}, in order, holding what the
 * implementation needs for the current document only. Close it to release files. Not thread-safe.
 */
public interface TokenizedReader extends AutoCloseable {
    /** The next document with at least one sentence, or null at the end. */
    TokenizedDocument next();

    /** The failure for a pass that produced no examples: names the corpus and what it skipped. */
    CorpusException nothingRead();

    @Override
    void close();
}

package org.pretrain4j.data.prepared;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.function.LongConsumer;
import org.pretrain4j.data.Corpus;
import org.pretrain4j.data.TokenizedDocument;
import org.pretrain4j.data.TokenizingReader;
import org.pretrain4j.text.Tokenizer;

/**
 * Prepares a dataset on one machine: streams the corpus through the same {@link TokenizingReader}
 * that training uses (a chunk of documents at a time, tokenized on all cores) into a
 * {@link PreparedDatasetWriter}. Memory: one chunk of text plus each shard's index.
 */
public final class DatasetPreparation {
    private DatasetPreparation() {
    }

    /**
     * Writes {@code corpus} tokenized with {@code tokenizer} to {@code output}; {@code progress} gets the
     * tokens written so far after each document. Returns the committed manifest.
     */
    public static DatasetManifest prepare(Corpus corpus, Tokenizer tokenizer, Path output, long maxShardBytes, LongConsumer progress) {
        requireNonNull(corpus, "corpus is null");
        requireNonNull(progress, "progress is null");
        try (PreparedDatasetWriter writer = new PreparedDatasetWriter(output, tokenizer, corpus.name(), maxShardBytes);
             TokenizingReader reader = new TokenizingReader(corpus, tokenizer, true)) {
            long tokens = 0;
            TokenizedDocument d;
            while ((d = reader.next()) != null) {
                writer.add(d);
                tokens += d.tokens();
                progress.accept(tokens);
            }
            return writer.commit();
        }
    }
}

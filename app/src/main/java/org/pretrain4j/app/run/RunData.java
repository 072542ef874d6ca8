package org.pretrain4j.app.run;

import java.nio.file.Path;
import org.pretrain4j.app.UserException;
import org.pretrain4j.app.config.RunConfig;
import org.pretrain4j.data.ExampleLayout;
import org.pretrain4j.spi.AttentionKind;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.text.Tokenizer;
import org.pretrain4j.train.BatchSource;

/** The data side of a run: corpus, tokenizer and batch sources, from the text and data packages of core. */
public class RunData {
    /** The training and held-out parts of the corpus. */
    public record Corpora(Object train, Object validation, String name) {}

    /** The batch sources of a run; close them when the run ends. */
    public record Batches(BatchSource train, BatchSource validation, AutoCloseable resources) implements AutoCloseable {
        @Override
        public void close() {
            try {
                resources.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    public Corpora corpora(RunConfig config) {
        throw UserException.runtime("Corpora are not wired yet.");
    }

    public Tokenizer tokenizerForNewRun(RunConfig config, Corpora corpora, AttentionKind attention, Path save) {
        throw UserException.runtime("Tokenizers are not wired yet.");
    }

    public Tokenizer tokenizerOfRun(Path file) {
        throw UserException.runtime("Tokenizers are not wired yet.");
    }

    public Batches batches(RunConfig config, Corpora corpora, Tokenizer tokenizer, Objective objective, ExampleLayout layout) {
        throw UserException.runtime("Batches are not wired yet.");
    }

    /** A sentence with [MASK] for the example after training, or {@code fallback}. */
    public String exampleSentence(Path runDirectory, String fallback) {
        return fallback;
    }
}

package org.pretrain4j.data.prepared;

import org.pretrain4j.text.Tokenizer;

/**
 * Where {@code prepare} and {@code tokenizer train --engine} run: {@code local} (this machine, built
 * in) or an engine found with {@link java.util.ServiceLoader} such as data-spark's {@code spark}.
 * Every engine writes the same shards and manifest for the same input, apart from how documents are
 * split into shards, and the same tokenizer.json.
 * Implementations are stateless and thread-safe.
 */
public interface PreparationEngine {
    /** The engine's name, as {@code --engine} takes it: [a-z][a-z0-9-]*. */
    String name();

    /** Prepares {@code request} and returns the committed manifest; failures are CorpusExceptions naming file and problem. */
    DatasetManifest prepare(PreparationRequest request);

    /**
     * Trains the tokenizer {@code request} asks for on its input, giving the tokenizer {@code tokenizer train}
     * gives on one machine for the same text; failures are CorpusExceptions naming file and problem. Optional:
     * by default the engine does not train tokenizers and says so.
     */
    default Tokenizer trainTokenizer(TokenizerTrainingRequest request) {
        throw new UnsupportedOperationException("engine '" + name() + "' does not train tokenizers");
    }
}

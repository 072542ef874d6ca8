package org.pretrain4j.data.prepared;

/**
 * Where {@code prepare} runs: {@code local} (this machine, built in) or an engine found with
 * {@link java.util.ServiceLoader} such as data-spark's {@code spark}. Every engine writes the same
 * shards and manifest for the same input, apart from how documents are split into shards.
 * Implementations are stateless and thread-safe.
 */
public interface PreparationEngine {
    /** The engine's name, as {@code --engine} takes it: [a-z][a-z0-9-]*. */
    String name();

    /** Prepares {@code request} and returns the committed manifest; failures are CorpusExceptions naming file and problem. */
    DatasetManifest prepare(PreparationRequest request);
}

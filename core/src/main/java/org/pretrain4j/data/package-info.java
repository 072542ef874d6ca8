/**
 * Corpora, example builders, batching and counter-based randomness.
 *
 * <p>Entry points: {@link org.pretrain4j.data.Corpora#open} (files, folders, globs) and
 * {@link org.pretrain4j.data.SampleCorpus}; {@link org.pretrain4j.data.ExampleSources#forLayout}
 * ({@link org.pretrain4j.data.PackedBlocks}, {@link org.pretrain4j.data.SentencePairs});
 * {@link org.pretrain4j.data.Batcher} and the read-ahead {@link org.pretrain4j.data.DataPipeline}. The
 * builders read a {@link org.pretrain4j.data.TokenizedCorpus}: text tokenized as it streams, or a
 * prepared dataset ({@link org.pretrain4j.data.prepared}) holding the same ids.
 * Everything streams: memory is bounded by a document window and a shuffle buffer, not by the corpus.
 */
package org.pretrain4j.data;

/**
 * Prepared datasets: corpora tokenized once into shards in Megatron-LM's indexed format
 * ({@code MMIDIDX} {@code .idx} + {@code .bin}) with a manifest, read back memory-mapped as a
 * {@link org.pretrain4j.data.TokenizedCorpus} that gives the same examples as the text it came from.
 *
 * <p>Entry points: {@link org.pretrain4j.data.prepared.DatasetPreparation} (write one from a corpus on
 * one machine) and {@link org.pretrain4j.data.prepared.PreparedDataset#open} (check and read one).
 */
package org.pretrain4j.data.prepared;

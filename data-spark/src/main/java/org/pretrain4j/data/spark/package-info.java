/**
 * Corpus preparation on Apache Spark: {@link org.pretrain4j.data.spark.SparkPreparation} writes the
 * prepared datasets that {@code prepare} writes on one machine, tokenizing per partition with the
 * project's tokenizers; {@link org.pretrain4j.data.spark.SparkWordCounts} counts words for tokenizer
 * training on the cluster and trains on the driver.
 */
package org.pretrain4j.data.spark;

/** The extension points: objectives, masking strategies and backends, each created by a factory found with ServiceLoader. */
package org.pretrain4j.spi;

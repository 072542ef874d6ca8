/** Corpora, example builders, batching and counter-based randomness. */
package org.pretrain4j.data;

/**
 * Checkpoints of a training run: the atomic, checksummed folder format ({@link
 * org.pretrain4j.train.checkpoint.CheckpointStore}), its metadata and the tensor file inside it.
 * The trainer writes and reads them; the run service lists and loads them for resume, evaluate and
 * export. Plugins never need this package: an objective's state is the graph's variables, which
 * the trainer saves for it.
 */
package org.pretrain4j.train.checkpoint;

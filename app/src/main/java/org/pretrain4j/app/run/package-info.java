/** Training runs in a run folder: corpus, tokenizer and data pipeline, the trainer, checkpoints and the export. */
package org.pretrain4j.app.run;

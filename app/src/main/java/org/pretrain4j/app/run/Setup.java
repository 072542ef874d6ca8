package org.pretrain4j.app.run;

import java.nio.file.Path;
import org.pretrain4j.app.config.RunConfig;
import org.pretrain4j.nn.TransformerConfig;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.text.Tokenizer;
import org.pretrain4j.train.TrainingGraphs;

/** Everything a run is made of, checked and built by {@link RunSetup}, except the backend (which needs closing). */
record Setup(RunConfig config, Path runDirectory, Objective objective, Tokenizer tokenizer, TransformerConfig model,
        TrainingGraphs graphs, RunData.Batches batches) {}

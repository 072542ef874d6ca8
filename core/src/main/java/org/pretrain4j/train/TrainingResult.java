package org.pretrain4j.train;

import java.nio.file.Path;
import java.util.Optional;

/** How a run ended: the steps done, the last step's record, the last evaluation and the last checkpoint written. */
public record TrainingResult(long steps, Optional<StepRecord> lastStep, Optional<EvalRecord> lastEvaluation,
        Optional<Path> lastCheckpoint, double seconds) {}

package org.pretrain4j.train;

import java.nio.file.Path;
import java.util.Optional;

/**
 * How a run ended: the steps done, whether that is every configured step (false after
 * {@link Trainer#requestStop()}), the last step's record, the last evaluation and the last checkpoint written.
 */
public record TrainingResult(long steps, boolean completed, Optional<StepRecord> lastStep, Optional<EvalRecord> lastEvaluation,
        Optional<Path> lastCheckpoint, double seconds) {}

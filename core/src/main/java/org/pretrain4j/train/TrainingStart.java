package org.pretrain4j.train;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Optional;

/** How a run starts: its configuration, run directory, and the checkpoint it resumes from (empty for a fresh run). */
public record TrainingStart(TrainerConfig config, Path runDirectory, long startStep, Optional<Path> resumedFrom, int threads) {
    public TrainingStart {
        requireNonNull(config, "config is null");
        requireNonNull(runDirectory, "runDirectory is null");
        requireNonNull(resumedFrom, "resumedFrom is null");
    }
}

package org.pretrain4j.train;

import java.nio.file.Path;

/**
 * Follows a run: progress bars, logs, metrics files, plots. Called on the trainer's thread, in
 * order; a listener that throws stops the run. Every method has a do-nothing default.
 */
public interface TrainingListener {
    /** The run starts (fresh or resumed), before the first step. */
    default void onStart(TrainingStart start) {}

    /** A step finished with finite losses. */
    default void onStep(StepRecord record) {}

    /** An evaluation on the held-out split finished. */
    default void onEvaluation(EvalRecord record) {}

    /** A checkpoint was committed. */
    default void onCheckpoint(long step, Path directory) {}

    /** Something the user should know that does not stop the run (e.g. a damaged checkpoint skipped). */
    default void onMessage(String message) {}

    /**
     * A checkpoint's files are written and synced in {@code temporary}, not yet renamed into place
     * (a process killed now leaves the previous checkpoint as the newest; the crash tests pause here).
     */
    default void beforeCheckpointCommit(Path temporary) throws java.io.IOException {}

    /** The run reached its last step; called once. */
    default void onFinish(TrainingResult result) {}

    /** The run stopped with an error (e.g. a non-finite loss); called once, before the error propagates. */
    default void onFailure(RuntimeException error) {}
}

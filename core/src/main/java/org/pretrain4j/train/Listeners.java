package org.pretrain4j.train;

import java.nio.file.Path;
import java.util.List;

/** The run's listeners, called in order; a failure is reported to all of them, their own failures suppressed into it. */
final class Listeners implements TrainingListener {
    private final List<TrainingListener> all;

    Listeners(List<TrainingListener> all) {
        this.all = List.copyOf(all);
    }

    @Override
    public void onStart(TrainingStart start) {
        all.forEach(l -> l.onStart(start));
    }

    @Override
    public void onStep(StepRecord record) {
        all.forEach(l -> l.onStep(record));
    }

    @Override
    public void onEvaluation(EvalRecord record) {
        all.forEach(l -> l.onEvaluation(record));
    }

    @Override
    public void onCheckpoint(long step, Path directory) {
        all.forEach(l -> l.onCheckpoint(step, directory));
    }

    @Override
    public void beforeCheckpointCommit(Path temporary) throws java.io.IOException {
        for (TrainingListener l : all) {
            l.beforeCheckpointCommit(temporary);
        }
    }

    @Override
    public void onMessage(String message) {
        all.forEach(l -> l.onMessage(message));
    }

    @Override
    public void onFinish(TrainingResult result) {
        all.forEach(l -> l.onFinish(result));
    }

    @Override
    public void onFailure(RuntimeException error) {
        for (TrainingListener l : all) {
            try {
                l.onFailure(error);
            } catch (RuntimeException suppressed) {
                error.addSuppressed(suppressed);
            }
        }
    }
}

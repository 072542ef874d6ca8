package org.pretrain4j.app.progress;

import java.nio.file.Path;
import org.pretrain4j.train.TrainingListener;

/** Loss-curve PNGs in the run folder. */
final class LossPlotFactory implements RunListenerFactory {
    @Override
    public TrainingListener create(Path runDirectory) {
        return new LossPlotListener(runDirectory);
    }
}

package org.pretrain4j.app.progress;

import java.nio.file.Path;
import org.pretrain4j.train.TrainingListener;

/** Creates a listener for one run; every bound factory contributes one to each run. */
public interface RunListenerFactory {
    /** A new listener for the run in {@code runDirectory}. */
    TrainingListener create(Path runDirectory);
}

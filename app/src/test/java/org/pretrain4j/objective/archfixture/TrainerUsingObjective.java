package org.pretrain4j.objective.archfixture;

import java.nio.file.Path;
import org.pretrain4j.spi.PluginException;
import org.pretrain4j.train.checkpoint.CheckpointStore;

/** Test fixture, not main code: an objective package that reaches into the checkpoint code. */
public final class TrainerUsingObjective {
    private TrainerUsingObjective() {}

    public static int checkpoints(Path run) {
        if (run == null) {
            throw new PluginException("no run");
        }
        return new CheckpointStore(run.resolve("checkpoints")).list().size();
    }
}

package org.pretrain4j.app;

import java.nio.file.Path;
import org.pretrain4j.testkit.CheckpointPause;

/**
 * The child process of {@link KillAndResumeTest}: the run of a config file through the library API,
 * as {@code train --recipe none --config FILE} runs it, pausing each checkpoint write before its
 * rename on a signal file ({@link CheckpointPause}) so that the test can kill it there.
 * Arguments: config file, run folder, signal file.
 */
public final class PausedTrainMain {
    private PausedTrainMain() {}

    public static void main(String[] args) {
        PreTraining.builder().configFile(Path.of(args[0])).runDirectory(Path.of(args[1]))
                .listener(new CheckpointPause(Path.of(args[2]))).build().train();
    }
}

package org.pretrain4j.app.progress;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import java.nio.file.Path;
import org.pretrain4j.app.cli.Output;
import org.pretrain4j.train.TrainingListener;

/** A progress bar on a terminal, plain log lines when the output is a pipe or a file. */
final class ConsoleProgressFactory implements RunListenerFactory {
    private final Output output;

    @Inject
    ConsoleProgressFactory(Output output) {
        this.output = requireNonNull(output, "output is null");
    }

    @Override
    public TrainingListener create(Path runDirectory) {
        return output.interactive() ? new ProgressBarListener(output) : new LogLineListener(output);
    }
}

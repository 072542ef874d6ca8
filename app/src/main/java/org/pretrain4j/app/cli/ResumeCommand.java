package org.pretrain4j.app.cli;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.pretrain4j.app.run.RunResult;
import org.pretrain4j.app.run.RunService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Continues a run from its last good checkpoint, exactly as if it had not stopped. */
@Command(name = "resume", mixinStandardHelpOptions = true,
        description = {"Continue a run from its last good checkpoint with the saved configuration.",
            "The per-step losses equal an uninterrupted run's bit for bit on the same machine with the run's --threads (saved "
                    + "in run-config.json; 0 means every core); another thread count or CPU may differ in float rounding."})
final class ResumeCommand implements Callable<Integer> {
    private final RunService runs;
    private final Output output;

    @Option(names = "--run-dir", required = true, paramLabel = "DIR", description = "The run folder to continue.")
    Path runDir;

    @Option(names = "--steps", description = "Train to this many steps in all instead of the configured number.")
    Integer steps;

    @Option(names = "--no-export", description = "Do not export at the end.")
    boolean noExport;

    @Option(names = "--fall-back", description = "If the newest checkpoint is damaged, set it aside (renamed damaged-step-N-TIME) "
            + "and continue from the newest intact one.")
    boolean fallBack;

    @Inject
    ResumeCommand(RunService runs, Output output) {
        this.runs = requireNonNull(runs, "runs is null");
        this.output = requireNonNull(output, "output is null");
    }

    @Override
    public Integer call() {
        RunResult result = runs.resume(runDir, steps, !noExport, fallBack, java.util.List.of());
        TrainCommand.report(output, runs, result, null);
        return 0;
    }
}

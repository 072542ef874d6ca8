package org.pretrain4j.app.cli;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.pretrain4j.app.config.ConfigFiles;
import org.pretrain4j.app.config.RunConfig;
import org.pretrain4j.app.run.RunResult;
import org.pretrain4j.app.run.RunService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Trains a model from scratch into a run folder, then exports it. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false, abbreviateSynopsis = true,
        description = {
            "Train a model from scratch into a run folder (config, metrics, plots, checkpoints), then export it to RUN_DIR/export.",
            "With no options: tiny BERT (mlm+nsp) on the built-in Europarl sample with an 8k WordPiece vocabulary trained first.",
            "Reproducible: the same configuration and seed on the same machine with the same --threads give bit-identical losses "
                    + "(with any thread count); another thread count or CPU may differ in float rounding.",
            "One process at a time per run folder: a second train, resume, evaluate or export on it fails at once naming the first."
        })
final class TrainCommand implements Callable<Integer> {
    private final RunService runs;
    private final Output output;

    @Mixin
    RunOptions options;

    @Option(names = "--run-dir", paramLabel = "DIR", description = "Run folder (default: runs/<objective>-<preset>-<time>).")
    Path runDir;

    @Option(names = "--no-export", negatable = false, description = "Do not export at the end.")
    boolean noExport;

    @Option(names = "--example", paramLabel = "TEXT", description = "Text with [MASK] to fill after training (encoders; default: a sentence of the held-out split).")
    String example;

    @Inject
    TrainCommand(RunService runs, Output output) {
        this.runs = requireNonNull(runs, "runs is null");
        this.output = requireNonNull(output, "output is null");
    }

    @Override
    public Integer call() {
        RunConfig config = ConfigFiles.resolve(options.config, options.overrides());
        Path directory = runDir != null ? runDir : defaultRunDirectory(config);
        RunResult result = runs.train(config, directory, !noExport);
        report(output, runs, result, example);
        return 0;
    }

    static Path defaultRunDirectory(RunConfig config) {
        String time = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        return Path.of("runs", config.objective().replace('+', '-') + "-" + config.preset() + "-" + time);
    }

    /** Prints the summary every training command ends with, and a fill-mask example for encoders. */
    static void report(Output output, RunService runs, RunResult result, String example) {
        var out = output.out();
        if (!result.completed()) {
            out.printf("Stopped after step %d with a checkpoint; continue with: resume --run-dir %s%n", result.steps(),
                    result.runDirectory());
            out.flush();
            return;
        }
        out.printf("Trained to step %d in %.0f s (%,.0f tokens/s). Run folder: %s%n", result.steps(), result.seconds(),
                result.tokensPerSecond(), result.runDirectory());
        Map<String, Double> metrics = new TreeMap<>(result.validationMetrics());
        if (!metrics.isEmpty()) {
            StringBuilder line = new StringBuilder("Held-out:");
            metrics.forEach((k, v) -> line.append(String.format(" %s=%.4f", k, v)));
            out.println(line);
        }
        if (result.export() != null) {
            out.println("Exported to " + result.export());
            runs.example(result, example).ifPresent(e -> {
                out.println();
                out.println("fill-mask --model " + result.export() + " \"" + e.text() + "\"");
                FillMaskCommand.print(output, e.candidates());
            });
        }
        out.flush();
    }
}

package org.pretrain4j.app.cli;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.pretrain4j.app.run.RunService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Evaluates the last checkpoint of a run on its held-out split. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Evaluate a run's last checkpoint (or that of --step) on its whole held-out split (e.g. masked_lm_accuracy, "
                + "next_sentence_accuracy).")
final class EvaluateCommand implements Callable<Integer> {
    private final RunService runs;
    private final Output output;

    @Option(names = "--run-dir", required = true, paramLabel = "DIR", description = "The run folder.")
    Path runDir;

    @Option(names = "--batches", description = "Evaluate at most this many held-out batches (default: all).")
    Integer batches;

    @Option(names = "--step", paramLabel = "N", description = "Evaluate the kept checkpoint of step N instead of the newest.")
    Long step;

    @Option(names = "--json", description = "Print the metrics as one JSON object.")
    boolean json;

    @Option(names = {"-p", "--property"}, paramLabel = "NAME.KEY=VALUE",
            description = "A plugin property for this evaluation only, over the run's: e.g. mlm.strategy.rate=0.15 scores a model "
                    + "trained at another masking rate at BERT's. Repeatable.")
    Map<String, String> properties = new TreeMap<>();

    @Inject
    EvaluateCommand(RunService runs, Output output) {
        this.runs = requireNonNull(runs, "runs is null");
        this.output = requireNonNull(output, "output is null");
    }

    @Override
    public Integer call() {
        Map<String, Double> metrics = new TreeMap<>(runs.evaluate(runDir, batches, properties, step));
        if (json) {
            output.out().println(Json.write(metrics));
        } else {
            metrics.forEach((k, v) -> output.out().printf("%-28s %.6f%n", k, v));
        }
        output.out().flush();
        return 0;
    }
}

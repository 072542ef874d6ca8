package org.pretrain4j.app.run;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.pretrain4j.app.UserException;
import org.pretrain4j.app.cli.Output;
import org.pretrain4j.app.config.ConfigFiles;
import org.pretrain4j.app.config.RunConfig;
import org.pretrain4j.pretrained.PretrainedWeights;
import org.pretrain4j.app.inference.Candidate;
import org.pretrain4j.train.TrainingListener;
import org.pretrain4j.train.TrainingResult;

/**
 * Training runs in a run folder: train, resume, evaluate, export. Shared by the commands and the
 * library API. Everything a user can get wrong (names, properties, files, folders) is checked
 * before the first step and reported as a {@link UserException} naming the option.
 *
 * <p>A run folder holds {@code run-config.json} (the resolved configuration), {@code tokenizer.json},
 * {@code metrics.jsonl}, the loss plots, {@code checkpoints/} and {@code export/}.
 *
 * <p>This class only sequences the steps of each command; the pieces do the work: {@link RunSetup}
 * builds a run from its configuration, {@link RunLifecycle} runs it on a backend (with the Ctrl-C
 * hook, {@link StopOnShutdown}), {@link RunEvaluation} reports held-out metrics, {@link RunExports}
 * writes export folders, {@link FillMaskDemo} shows the example after training, {@link RunFolders}
 * checks folders and translates failures, {@link TrainerSettings} maps the configuration onto the
 * trainer and AdamW.
 */
@Singleton
public class RunService {
    /** The tokenizer's file name inside a run folder. */
    public static final String TOKENIZER = RunSetup.TOKENIZER;
    /** The export folder's name inside a run folder. */
    public static final String EXPORT = "export";

    private final RunSetup setups;
    private final RunLifecycle lifecycle;
    private final RunEvaluation evaluation;
    private final RunExports exports;
    private final FillMaskDemo demo;
    private final Output output;

    /** A fill-mask example shown after training. */
    public record Example(String text, List<List<Candidate>> candidates) {}

    @Inject
    RunService(RunSetup setups, RunLifecycle lifecycle, RunEvaluation evaluation, RunExports exports, FillMaskDemo demo,
            Output output) {
        this.setups = requireNonNull(setups, "setups is null");
        this.lifecycle = requireNonNull(lifecycle, "lifecycle is null");
        this.evaluation = requireNonNull(evaluation, "evaluation is null");
        this.exports = requireNonNull(exports, "exports is null");
        this.demo = requireNonNull(demo, "demo is null");
        this.output = requireNonNull(output, "output is null");
    }

    /** Locks a run folder for this process (see {@link RunLock}); a take-over is reported on the error stream. */
    private RunLock lock(Path dir, String command) {
        return RunLock.acquire(dir, command, message -> {
            output.err().println(message);
            output.err().flush();
        });
    }

    /** Trains from scratch in {@code runDirectory}; exports to {@code runDirectory/export} when asked. */
    public RunResult train(RunConfig config, Path runDirectory, boolean export) {
        return train(config, runDirectory, export, List.of());
    }

    /** As {@link #train(RunConfig, Path, boolean)} with extra listeners (library use). */
    public RunResult train(RunConfig givenConfig, Path runDirectory, boolean export, List<TrainingListener> extra) {
        RunConfig config = RunFolders.withAbsolutePaths(requireNonNull(givenConfig, "config is null"));
        Path dir = runDirectory.toAbsolutePath().normalize();
        if (export) {
            RunFolders.checkWritableTarget(dir.resolve(EXPORT), "--run-dir");
        }
        setups.checkPlugins(config);
        // Everything is read and checked before the run folder is written: a bad model folder leaves nothing behind.
        PretrainedStart start = config.initFrom() != null ? PretrainedStart.open(config) : null;
        Setup checked = start != null ? setups.setup(config, dir, true, start) : null;
        PretrainedWeights weights = start != null ? start.weights(checked.graphs().evaluationStep()) : null;
        RunFolders.createDirectory(dir, "--run-dir");
        // Locked before looking at its checkpoints: a running process may be about to write the first one.
        try (RunLock lock = lock(dir, "train")) {
            if (!RunFolders.checkpoints(dir).list().isEmpty()) {
                throw UserException.usage("--run-dir: '" + runDirectory + "' already has checkpoints; continue it with 'resume --run-dir "
                        + runDirectory + "' or choose another folder.");
            }
            Setup setup;
            if (start != null) {
                setup = checked;
                start.saveInto(dir, TOKENIZER);
            } else {
                setup = setups.setup(config, dir, true);
            }
            ConfigFiles.save(config, dir);
            return run(setup, false, false, export, extra, weights);
        }
    }

    /** Continues the run in {@code runDirectory} from its newest checkpoint; {@code steps} (nullable) changes the total. */
    public RunResult resume(Path runDirectory, Integer steps, boolean export) {
        return resume(runDirectory, steps, export, List.of());
    }

    public RunResult resume(Path runDirectory, Integer steps, boolean export, List<TrainingListener> extra) {
        return resume(runDirectory, steps, export, false, extra);
    }

    /**
     * As {@link #resume(Path, Integer, boolean, List)}; with {@code fallBack}, a damaged newest
     * checkpoint is set aside and the run continues from the newest intact one.
     */
    public RunResult resume(Path runDirectory, Integer steps, boolean export, boolean fallBack, List<TrainingListener> extra) {
        Path dir = RunFolders.existingRun(runDirectory);
        try (RunLock lock = lock(dir, "resume")) {
            RunConfig config = ConfigFiles.load(dir.resolve(ConfigFiles.RUN_CONFIG));
            if (steps != null) {
                config = ConfigFiles.resolve(config, null, Map.of("steps", steps));
                ConfigFiles.save(config, dir);
            }
            if (export) {
                RunFolders.checkWritableTarget(dir.resolve(EXPORT), "--run-dir");
            }
            Setup setup = setups.setup(config, dir, false);
            return run(setup, true, fallBack, export, extra, null);
        }
    }

    /** Held-out metrics of the newest checkpoint; {@code batches} null for the whole held-out split. */
    public Map<String, Double> evaluate(Path runDirectory, Integer batches) {
        return evaluate(runDirectory, batches, Map.of());
    }

    /**
     * Held-out metrics of the newest checkpoint with {@code properties} put over the run's plugin
     * properties for this evaluation only (e.g. {@code mlm.strategy.rate=0.15} to score a model
     * trained at another masking rate at BERT's); the run folder is not changed.
     */
    public Map<String, Double> evaluate(Path runDirectory, Integer batches, Map<String, String> properties) {
        return evaluate(runDirectory, batches, properties, null);
    }

    /**
     * As {@link #evaluate(Path, Integer, Map)}, of the kept checkpoint of {@code step} (null: the
     * newest); a step without a checkpoint fails naming the kept steps.
     */
    public Map<String, Double> evaluate(Path runDirectory, Integer batches, Map<String, String> properties, Long step) {
        Path dir = RunFolders.existingRun(runDirectory);
        try (RunLock lock = lock(dir, "evaluate")) {
            RunConfig config = ConfigFiles.load(dir.resolve(ConfigFiles.RUN_CONFIG)).withProperties(properties);
            return evaluation.evaluate(config, dir, batches, step);
        }
    }

    /** Exports the newest checkpoint of a run into {@code output} in every export format that fits the model. */
    public Path export(Path runDirectory, Path output) {
        return export(runDirectory, output, List.of());
    }

    /** Exports the newest checkpoint of a run into {@code output} in the named formats (empty: every one that fits). */
    public Path export(Path runDirectory, Path output, List<String> formats) {
        Path dir = RunFolders.existingRun(runDirectory);
        RunFolders.checkWritableTarget(output, "--output");
        try (RunLock lock = lock(dir, "export")) {
            RunConfig config = ConfigFiles.load(dir.resolve(ConfigFiles.RUN_CONFIG));
            Setup setup = setups.setup(config, dir, false);
            return exports.exportNewest(setup, output, List.copyOf(formats));
        }
    }

    /** A fill-mask example on the export of an encoder run; empty for decoders or when none applies. */
    public Optional<Example> example(RunResult result, String text) {
        return demo.example(result, text);
    }

    /**
     * Runs the training, then exports the final checkpoint when asked and the run completed;
     * {@code initial} non-null: a new run starts from these weights instead of random ones.
     */
    private RunResult run(Setup setup, boolean resume, boolean fallBack, boolean export, List<TrainingListener> extra,
            PretrainedWeights initial) {
        RunLifecycle.Trained trained = lifecycle.run(setup, resume, fallBack, extra, initial);
        TrainingResult result = trained.result();
        Path exported = null;
        if (export && result.completed()) {
            Path checkpoint = result.lastCheckpoint()
                    .orElseThrow(() -> UserException.runtime("The run wrote no checkpoint to export."));
            exported = exports.exportCheckpoint(setup, checkpoint, setup.runDirectory().resolve(EXPORT));
        }
        Map<String, Double> metrics = new TreeMap<>();
        result.lastEvaluation().ifPresent(e -> {
            metrics.putAll(e.metrics());
            metrics.put("loss", e.loss());
        });
        return new RunResult(setup.runDirectory(), result.steps(), result.completed(), metrics, exported, result.seconds(),
                trained.tokensPerSecond());
    }
}

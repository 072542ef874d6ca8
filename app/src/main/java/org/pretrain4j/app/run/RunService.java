package org.pretrain4j.app.run;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.pretrain4j.app.UserException;
import org.pretrain4j.app.config.ConfigFiles;
import org.pretrain4j.app.config.RunConfig;
import org.pretrain4j.app.inference.Candidate;
import org.pretrain4j.app.inference.EncoderTasks;
import org.pretrain4j.app.inference.ExportedModel;
import org.pretrain4j.app.plugin.ObjectiveSpec;
import org.pretrain4j.app.plugin.PluginRegistry;
import org.pretrain4j.app.progress.RunListenerFactory;
import org.pretrain4j.backend.onnx.export.ExportRequest;
import org.pretrain4j.backend.onnx.export.OnnxExporter;
import org.pretrain4j.data.ExampleLayout;
import org.pretrain4j.graph.AdamW;
import org.pretrain4j.graph.GraphException;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.graph.Program;
import org.pretrain4j.nn.TransformerConfig;
import org.pretrain4j.objective.Objectives;
import org.pretrain4j.spi.AttentionKind;
import org.pretrain4j.spi.Backend;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.spi.PluginException;
import org.pretrain4j.text.Tokenizer;
import org.pretrain4j.train.Checkpoint;
import org.pretrain4j.train.CheckpointException;
import org.pretrain4j.train.CheckpointStore;
import org.pretrain4j.train.EvalRecord;
import org.pretrain4j.train.NonFiniteLossException;
import org.pretrain4j.train.Schedule;
import org.pretrain4j.train.Trainer;
import org.pretrain4j.train.TrainerConfig;
import org.pretrain4j.train.TrainingException;
import org.pretrain4j.train.TrainingGraphs;
import org.pretrain4j.train.TrainingListener;
import org.pretrain4j.train.TrainingPrograms;
import org.pretrain4j.train.TrainingResult;

/**
 * Training runs in a run folder: train, resume, evaluate, export. Shared by the commands and the
 * library API. Everything a user can get wrong (names, properties, files, folders) is checked
 * before the first step and reported as a {@link UserException} naming the option.
 *
 * <p>A run folder holds {@code run-config.json} (the resolved configuration), {@code tokenizer.json},
 * {@code metrics.jsonl}, the loss plots, {@code checkpoints/} and {@code export/}.
 */
@Singleton
public class RunService {
    /** The tokenizer's file name inside a run folder. */
    public static final String TOKENIZER = "tokenizer.json";
    /** The export folder's name inside a run folder. */
    public static final String EXPORT = "export";

    /** The sentence a run on the built-in sample fills after training: its answers are the sample's institutions. */
    static final String SAMPLE_EXAMPLE = "the european [MASK] has adopted the report.";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PluginRegistry registry;
    private final Set<RunListenerFactory> listenerFactories;
    private final RunData data;

    /** A fill-mask example shown after training. */
    public record Example(String text, List<List<Candidate>> candidates) {}

    @Inject
    public RunService(PluginRegistry registry, Set<RunListenerFactory> listenerFactories, RunData data) {
        this.registry = requireNonNull(registry, "registry is null");
        this.listenerFactories = Set.copyOf(listenerFactories);
        this.data = requireNonNull(data, "data is null");
    }

    /** Everything a run is made of, checked and built, except the backend (which needs closing). */
    record Setup(RunConfig config, Path runDirectory, Objective objective, Tokenizer tokenizer, TransformerConfig model,
            TrainingGraphs graphs, RunData.Batches batches) {}

    /** Trains from scratch in {@code runDirectory}; exports to {@code runDirectory/export} when asked. */
    public RunResult train(RunConfig config, Path runDirectory, boolean export) {
        return train(config, runDirectory, export, List.of());
    }

    /** As {@link #train(RunConfig, Path, boolean)} with extra listeners (library use). */
    public RunResult train(RunConfig givenConfig, Path runDirectory, boolean export, List<TrainingListener> extra) {
        RunConfig config = withAbsolutePaths(requireNonNull(givenConfig, "config is null"));
        Path dir = runDirectory.toAbsolutePath().normalize();
        if (!new CheckpointStore(dir.resolve("checkpoints")).list().isEmpty()) {
            throw UserException.usage("--run-dir: '" + runDirectory + "' already has checkpoints; continue it with 'resume --run-dir "
                    + runDirectory + "' or choose another folder.");
        }
        if (export) {
            checkWritableTarget(dir.resolve(EXPORT), "--run-dir");
        }
        checkPlugins(config);
        createDirectory(dir, "--run-dir");
        Setup setup = setup(config, dir, true);
        ConfigFiles.save(config, dir);
        return run(setup, false, export, extra);
    }

    /** The configuration with its file paths made absolute, so that resume works from any working folder. */
    static RunConfig withAbsolutePaths(RunConfig config) {
        Map<String, Object> paths = new LinkedHashMap<>();
        if (config.corpus() != null) {
            paths.put("corpus", absolute(config.corpus()));
        }
        if (config.tokenizer() != null) {
            paths.put("tokenizer", absolute(config.tokenizer()));
        }
        return paths.isEmpty() ? config : ConfigFiles.resolve(config, null, paths);
    }

    private static String absolute(String path) {
        try {
            return Path.of(path).toAbsolutePath().normalize().toString();
        } catch (java.nio.file.InvalidPathException e) {
            return path;
        }
    }

    /** Continues the run in {@code runDirectory} from its newest checkpoint; {@code steps} (nullable) changes the total. */
    public RunResult resume(Path runDirectory, Integer steps, boolean export) {
        return resume(runDirectory, steps, export, List.of());
    }

    public RunResult resume(Path runDirectory, Integer steps, boolean export, List<TrainingListener> extra) {
        Path dir = existingRun(runDirectory);
        RunConfig config = ConfigFiles.load(dir.resolve(ConfigFiles.RUN_CONFIG));
        if (steps != null) {
            config = ConfigFiles.resolve(config, null, Map.of("steps", steps));
            ConfigFiles.save(config, dir);
        }
        if (export) {
            checkWritableTarget(dir.resolve(EXPORT), "--run-dir");
        }
        Setup setup = setup(config, dir, false);
        return run(setup, true, export, extra);
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
        Path dir = existingRun(runDirectory);
        RunConfig config = ConfigFiles.load(dir.resolve(ConfigFiles.RUN_CONFIG)).withProperties(properties);
        Setup setup = setup(config, dir, false);
        TrainerConfig trainer = trainerConfig(config).toBuilder().evalBatches(batches == null ? 0 : batches).build();
        try (Backend backend = backend(config)) {
            Trainer t = trainer(setup, trainer, backend, List.of(), false);
            EvalRecord record = translate(t::evaluateNewestCheckpoint);
            Map<String, Double> metrics = new TreeMap<>(record.metrics());
            metrics.put("loss", record.loss());
            record.termLosses().forEach((term, loss) -> metrics.putIfAbsent(term + "_loss", loss));
            metrics.put("step", (double) record.step());
            metrics.put("examples", (double) record.examples());
            if (setup.objective().attention() == AttentionKind.CAUSAL) {
                // The baseline of the clm learning check: the best unigram model of the same held-out targets.
                metrics.put("unigram_perplexity", data.heldOutUnigramPerplexity(config, setup.tokenizer(),
                        setup.objective().layout().orElse(ExampleLayout.PACKED_BLOCKS)));
            }
            return metrics;
        }
    }

    /** Exports the newest checkpoint of a run into {@code output}. */
    public Path export(Path runDirectory, Path output) {
        Path dir = existingRun(runDirectory);
        checkWritableTarget(output, "--output");
        RunConfig config = ConfigFiles.load(dir.resolve(ConfigFiles.RUN_CONFIG));
        Setup setup = setup(config, dir, false);
        CheckpointStore store = new CheckpointStore(dir.resolve("checkpoints"));
        Checkpoint checkpoint = translate(() -> store.loadNewest(false, m -> {}))
                .orElseThrow(() -> UserException.runtime("'" + dir + "' has no checkpoint to export."));
        return export(setup, checkpoint.tensors(), output);
    }

    /** A fill-mask example on the export of an encoder run; empty for decoders or when none applies. */
    public Optional<Example> example(RunResult result, String text) {
        if (result.export() == null) {
            return Optional.empty();
        }
        try (ExportedModel model = ExportedModel.open(result.export())) {
            if (model.isDecoder() || model.tokenizer().specialTokens().mask() < 0) {
                return Optional.empty();
            }
            String sentence = text != null ? text : data.exampleSentence(result.runDirectory(), SAMPLE_EXAMPLE);
            if (sentence == null || !sentence.contains("[MASK]")) {
                return Optional.empty();
            }
            return Optional.of(new Example(sentence, new EncoderTasks(model).fillMask(sentence, 5)));
        }
    }

    // ---- building a run ----

    /** Fails early on unknown objective names, properties and the backend, before any data is read. */
    private void checkPlugins(RunConfig config) {
        objective(config);
        registry.backendFactory(config.backend());
    }

    private Setup setup(RunConfig config, Path dir, boolean fresh) {
        TransformerConfig.Preset preset;
        try {
            preset = TransformerConfig.Preset.parse(config.preset());
        } catch (IllegalArgumentException e) {
            throw UserException.usage("--preset: " + e.getMessage());
        }
        Objective objective = objective(config);
        AttentionKind attention = objective.attention();
        ExampleLayout layout = objective.layout().orElse(ExampleLayout.PACKED_BLOCKS);
        RunData.Corpora corpora = data.corpora(config);
        Tokenizer tokenizer = fresh ? data.tokenizerForNewRun(config, corpora, attention, dir.resolve(TOKENIZER))
                : data.tokenizerOfRun(dir.resolve(TOKENIZER));
        if (attention == AttentionKind.CAUSAL && tokenizer.specialTokens().eos() < 0) {
            // Caught here, not by the exporter after the whole run: packed blocks and the export need it.
            throw UserException.usage("--tokenizer-type: objective " + config.objective()
                    + " is causal and needs a tokenizer with an end-of-text token; byte-level BPE (bpe) has one, "
                    + tokenizer.kind().name().toLowerCase(java.util.Locale.ROOT) + " has none");
        }
        int maxPositions = Math.max(512, config.sequenceLength());
        TransformerConfig model = TransformerConfig.preset(preset, tokenizer.vocabularySize(), maxPositions, attention)
                .withDropout(config.dropout(), config.dropout());
        TrainingGraphs graphs;
        try {
            graphs = new TrainingGraphs(model, tokenizer.specialTokens(), objective, optimizer(config), config.seed());
        } catch (GraphException | IllegalArgumentException e) {
            throw UserException.usage("--objective " + config.objective() + ": " + e.getMessage());
        }
        RunData.Batches batches = data.batches(config, corpora, tokenizer, objective, layout);
        return new Setup(config, dir, objective, tokenizer, model, graphs, batches);
    }

    /** The objective of a configuration, composed from the spec with its properties. */
    Objective objective(RunConfig config) {
        ObjectiveSpec spec = ObjectiveSpec.parse(config.objective(), config.properties());
        Set<String> prefixes = new TreeSet<>(spec.names());
        prefixes.add(config.backend());
        for (String key : config.properties().keySet()) {
            String prefix = key.contains(".") ? key.substring(0, key.indexOf('.')) : key;
            if (!prefixes.contains(prefix)) {
                throw new PluginException("Property '" + key + "': '" + prefix + "' is neither an objective of --objective "
                        + config.objective() + " nor the backend '" + config.backend() + "'. Prefix properties with one of "
                        + prefixes + ".");
            }
        }
        List<Objective> parts = registry.objectives(spec);
        Map<String, Double> weights = new LinkedHashMap<>();
        for (String name : spec.names()) {
            if (spec.weights().containsKey(name)) {
                weights.put(name, spec.weight(name));
            }
        }
        return Objectives.compose(parts, weights);
    }

    private Backend backend(RunConfig config) {
        Map<String, String> own = new TreeMap<>();
        String prefix = config.backend() + ".";
        config.properties().forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                own.put(k.substring(prefix.length()), v);
            }
        });
        if (config.threads() > 0 && registry.backendFactory(config.backend()).properties().stream()
                .anyMatch(p -> p.key().equals("threads"))) {
            own.putIfAbsent("threads", Integer.toString(config.threads()));
        }
        return registry.backend(config.backend(), own);
    }

    static AdamW.Config optimizer(RunConfig config) {
        return new AdamW.Config(0.9, 0.999, 1e-6, config.weightDecay(), config.clipNorm());
    }

    static TrainerConfig trainerConfig(RunConfig config) {
        return TrainerConfig.builder()
                .steps(config.steps())
                .batchSize(config.batchSize())
                .accumulationSteps(config.gradientAccumulation())
                .learningRate(config.learningRate())
                .warmupSteps(Math.min(config.warmupSteps(), config.steps()))
                .schedule(Schedule.parse(config.schedule()))
                .optimizer(optimizer(config))
                .evalEvery(config.evalEvery())
                .evalBatches(config.evalBatches())
                .checkpointEvery(config.checkpointEvery())
                .keepCheckpoints(config.keepCheckpoints())
                .seed(config.seed())
                .logEvery(config.logEvery())
                .build();
    }

    private Trainer trainer(Setup setup, TrainerConfig trainerConfig, Backend backend, List<TrainingListener> listeners,
            boolean metricsFile) {
        TrainingPrograms programs = TrainingPrograms.of(setup.graphs(), setup.config().gradientAccumulation());
        Trainer.Builder builder = Trainer.builder()
                .config(trainerConfig)
                .backend(backend)
                .programs(programs)
                .objective(setup.objective())
                .trainData(setup.batches().train())
                .evalData(setup.batches().validation())
                .runDirectory(setup.runDirectory())
                .runConfiguration(JSON.valueToTree(setup.config()))
                .metricsFile(metricsFile);
        listeners.forEach(builder::listener);
        return builder.build();
    }

    private RunResult run(Setup setup, boolean resume, boolean export, List<TrainingListener> extra) {
        List<TrainingListener> listeners = new ArrayList<>();
        for (RunListenerFactory factory : listenerFactories) {
            listeners.add(factory.create(setup.runDirectory()));
        }
        listeners.addAll(extra);
        Throughput throughput = new Throughput();
        listeners.add(throughput);
        TrainingResult result;
        try (Backend backend = backend(setup.config())) {
            Trainer trainer = trainer(setup, trainerConfig(setup.config()), backend, listeners, true);
            // Ctrl-C: finish the step, write a checkpoint, then let the JVM exit; 'resume' continues exactly.
            java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);
            Thread hook = new Thread(() -> {
                trainer.requestStop();
                try {
                    finished.await(120, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "pretrain4j-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                result = translate(resume ? trainer::resume : trainer::train);
            } finally {
                finished.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // The hook is running: the JVM exits once it returns.
                }
            }
        }
        Path exported = null;
        if (export && result.completed()) {
            Path checkpoint = result.lastCheckpoint()
                    .orElseThrow(() -> UserException.runtime("The run wrote no checkpoint to export."));
            Checkpoint loaded = translate(() -> new CheckpointStore(checkpoint.getParent()).load(checkpoint));
            exported = export(setup, loaded.tensors(), setup.runDirectory().resolve(EXPORT));
        }
        Map<String, Double> metrics = new TreeMap<>();
        result.lastEvaluation().ifPresent(e -> {
            metrics.putAll(e.metrics());
            metrics.put("loss", e.loss());
        });
        double tokensPerSecond = throughput.seconds > 0 ? throughput.tokens / throughput.seconds : 0.0;
        return new RunResult(setup.runDirectory(), result.steps(), result.completed(), metrics, exported, result.seconds(),
                tokensPerSecond);
    }

    private Path export(Setup setup, Map<String, HostTensor> state, Path output) {
        Map<String, Program> programs = setup.graphs().exportPrograms();
        Program model = programs.get("model");
        Program encoder = programs.get("encoder");
        Map<String, HostTensor> needed = new LinkedHashMap<>(TrainingGraphs.stateFor(model, state));
        if (encoder != null) {
            needed.putAll(TrainingGraphs.stateFor(encoder, state));
        }
        ExportRequest request = new ExportRequest(model, encoder, needed, setup.model(), setup.tokenizer(),
                setup.objective().name(), setup.objective().exportMetadata(), ConfigFiles.toJson(setup.config()));
        try {
            return OnnxExporter.export(request, output).directory();
        } catch (IOException e) {
            throw UserException.runtime("Cannot write the export folder '" + output + "': " + e.getMessage(), e);
        }
    }

    /** Mean training throughput of this process: tokens over the wall time of the steps (compilation, evaluation excluded). */
    private static final class Throughput implements TrainingListener {
        long tokens;
        double seconds;

        @Override
        public void onStep(org.pretrain4j.train.StepRecord record) {
            tokens += record.tokens();
            seconds += record.seconds();
        }
    }

    // ---- checks and translations ----

    private static Path existingRun(Path runDirectory) {
        Path dir = runDirectory.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw UserException.usage("--run-dir: '" + runDirectory + "' does not exist.");
        }
        if (!Files.isRegularFile(dir.resolve(ConfigFiles.RUN_CONFIG))) {
            throw UserException.usage("--run-dir: '" + runDirectory + "' has no " + ConfigFiles.RUN_CONFIG
                    + "; is it a run folder made by 'train'?");
        }
        return dir;
    }

    /** An export target must be absent or an empty folder, and its parent a folder we can write. */
    static void checkWritableTarget(Path target, String option) {
        Path absolute = target.toAbsolutePath().normalize();
        if (Files.exists(absolute)) {
            if (!Files.isDirectory(absolute)) {
                throw UserException.usage(option + ": '" + target + "' is a file, not a folder.");
            }
            try (var entries = Files.list(absolute)) {
                if (entries.findAny().isPresent() && !Files.isRegularFile(absolute.resolve("config.json"))) {
                    throw UserException.usage(option + ": '" + target + "' is not empty and not an earlier export; choose another folder.");
                }
            } catch (IOException e) {
                throw UserException.usage(option + ": cannot read '" + target + "': " + e.getMessage());
            }
            if (!Files.isWritable(absolute)) {
                throw UserException.usage(option + ": '" + target + "' is not writable.");
            }
            return;
        }
        Path parent = absolute.getParent();
        while (parent != null && !Files.exists(parent)) {
            parent = parent.getParent();
        }
        if (parent == null || !Files.isDirectory(parent)) {
            throw UserException.usage(option + ": cannot create '" + target + "': '" + parent + "' is not a folder.");
        }
        if (!Files.isWritable(parent)) {
            throw UserException.usage(option + ": cannot create '" + target + "': '" + parent + "' is not writable.");
        }
    }

    private static void createDirectory(Path dir, String option) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw UserException.usage(option + ": cannot create '" + dir + "': " + e.getMessage());
        }
    }

    /** Runs training code, turning its checkpoint and training failures into one-line user errors. */
    private static <T> T translate(java.util.function.Supplier<T> work) {
        try {
            return work.get();
        } catch (NonFiniteLossException e) {
            throw UserException.runtime(e.getMessage(), e);
        } catch (CheckpointException e) {
            throw UserException.runtime(e.getMessage() + ". Delete the damaged checkpoint folder to resume from an earlier one.", e);
        } catch (TrainingException e) {
            throw UserException.runtime(e.getMessage(), e);
        }
    }
}

package org.pretrain4j.app;

import static java.util.Objects.requireNonNull;

import com.google.inject.Guice;
import com.google.inject.Injector;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.pretrain4j.app.cli.Output;
import org.pretrain4j.app.config.ConfigFiles;
import org.pretrain4j.app.config.RunConfig;
import org.pretrain4j.app.plugin.DiscoveredPlugins;
import org.pretrain4j.app.plugin.PluginClassLoaders;
import org.pretrain4j.app.run.RunResult;
import org.pretrain4j.app.run.RunService;
import org.pretrain4j.train.TrainingListener;

/**
 * pretrain4j as a library: the same plugins, configuration and run folder as the command line,
 * through the same Guice wiring.
 *
 * <pre>{@code
 * RunResult result = PreTraining.builder()
 *         .corpus(Path.of("corpus.txt"))
 *         .objectives("mlm+nsp")
 *         .property("nsp.weight", "0.5")
 *         .preset("tiny")
 *         .backend("onnx")
 *         .steps(1000)
 *         .runDirectory(Path.of("runs/mine"))
 *         .build()
 *         .train();
 * }</pre>
 *
 * <p>Failures a user can cause are {@link UserException}s (and {@link org.pretrain4j.spi.PluginException}s)
 * with one-line messages.
 */
public final class PreTraining {
    private final RunService runs;
    private final RunConfig config;
    private final Path runDirectory;
    private final List<TrainingListener> listeners;

    private PreTraining(RunService runs, RunConfig config, Path runDirectory, List<TrainingListener> listeners) {
        this.runs = runs;
        this.config = config;
        this.runDirectory = runDirectory;
        this.listeners = List.copyOf(listeners);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The resolved configuration this run uses (saved as run-config.json when training starts). */
    public RunConfig config() {
        return config;
    }

    public Path runDirectory() {
        return runDirectory;
    }

    /** Trains from scratch in the run directory and exports to {@code runDirectory/export}. */
    public RunResult train() {
        return runs.train(config, runDirectory, true, listeners);
    }

    /** Trains from scratch without exporting. */
    public RunResult trainWithoutExport() {
        return runs.train(config, runDirectory, false, listeners);
    }

    /** Continues the run in the run directory from its newest checkpoint. */
    public RunResult resume() {
        return runs.resume(runDirectory, null, true, listeners);
    }

    /** Held-out metrics of the newest checkpoint. */
    public Map<String, Double> evaluate() {
        return evaluate(Map.of());
    }

    /** Held-out metrics of the newest checkpoint with {@code properties} over the run's plugin properties (this evaluation only). */
    public Map<String, Double> evaluate(Map<String, String> properties) {
        return runs.evaluate(runDirectory, null, properties);
    }

    /** Held-out metrics of the kept checkpoint of {@code step}, with {@code properties} over the run's (this evaluation only). */
    public Map<String, Double> evaluate(long step, Map<String, String> properties) {
        return runs.evaluate(runDirectory, null, properties, step);
    }

    /** Exports the newest checkpoint into {@code directory}; returns it. */
    public Path export(Path directory) {
        return runs.export(runDirectory, directory);
    }

    /** Collects the settings of a run; unset ones take the defaults of {@link RunConfig#defaults()}. */
    public static final class Builder {
        private final Map<String, Object> settings = new LinkedHashMap<>();
        private final Map<String, String> properties = new TreeMap<>();
        private final List<TrainingListener> listeners = new ArrayList<>();
        private Path configFile;
        private Path runDirectory;
        private Path plugins;
        private Output output;

        private Builder() {}

        /** A text file, folder or glob; without one the built-in sample is used. */
        public Builder corpus(Path corpus) {
            settings.put("corpus", corpus.toString());
            return this;
        }

        /** A dataset written by {@code prepare} (token shards) instead of a text corpus; its tokenizer is the run's. */
        public Builder dataset(Path dataset) {
            settings.put("corpus", dataset.toString());
            settings.put("corpus-format", "prepared");
            return this;
        }

        /** The built-in Europarl sample, English only or all languages. */
        public Builder sampleCorpus(boolean allLanguages) {
            settings.put("corpus", null);
            settings.put("all-languages", allLanguages);
            return this;
        }

        /** auto, bert, text, jsonl or europarl. */
        public Builder corpusFormat(String format) {
            settings.put("corpus-format", format);
            return this;
        }

        /** An existing tokenizer.json or vocab.txt instead of training one. */
        public Builder tokenizer(Path tokenizer) {
            settings.put("tokenizer", tokenizer.toString());
            return this;
        }

        /** Train a tokenizer of this type (wordpiece, bpe, auto) and size from the corpus. */
        public Builder tokenizer(String type, int vocabSize) {
            settings.put("tokenizer-type", type);
            settings.put("vocab-size", vocabSize);
            return this;
        }

        /** Objectives joined with '+', e.g. "mlm+nsp". */
        public Builder objectives(String spec) {
            settings.put("objective", spec);
            return this;
        }

        /** A plugin property such as "nsp.weight" = "0.5" or "mlm.strategy" = "whole-word". */
        public Builder property(String key, String value) {
            properties.put(requireNonNull(key, "key is null"), requireNonNull(value, "value is null"));
            return this;
        }

        public Builder preset(String preset) {
            settings.put("preset", preset);
            return this;
        }

        public Builder backend(String backend) {
            settings.put("backend", backend);
            return this;
        }

        public Builder steps(int steps) {
            settings.put("steps", steps);
            return this;
        }

        public Builder batchSize(int batchSize) {
            settings.put("batch-size", batchSize);
            return this;
        }

        public Builder sequenceLength(int sequenceLength) {
            settings.put("sequence-length", sequenceLength);
            return this;
        }

        public Builder learningRate(double learningRate) {
            settings.put("learning-rate", learningRate);
            return this;
        }

        public Builder warmupSteps(int warmupSteps) {
            settings.put("warmup-steps", warmupSteps);
            return this;
        }

        public Builder seed(long seed) {
            settings.put("seed", seed);
            return this;
        }

        public Builder threads(int threads) {
            settings.put("threads", threads);
            return this;
        }

        /**
         * Starts from a published model folder (Hugging Face BERT, RoBERTa or GPT-2: config.json,
         * model.safetensors or pytorch_model.bin, the tokenizer files) or a pretrain4j export, as
         * {@code --init-from}: the model's sizes and tokenizer come from it.
         */
        public Builder initFrom(Path modelFolder) {
            settings.put("init-from", modelFolder.toString());
            return this;
        }

        /** Any configuration key of {@link RunConfig} in kebab-case, e.g. "eval-every". */
        public Builder set(String key, Object value) {
            settings.put(requireNonNull(key, "key is null"), value);
            return this;
        }

        /** A JSON or YAML configuration file; the builder's own settings override it. */
        public Builder configFile(Path file) {
            this.configFile = file;
            return this;
        }

        public Builder runDirectory(Path directory) {
            this.runDirectory = directory;
            return this;
        }

        /** A folder of plugin jars, as {@code --plugins}. */
        public Builder plugins(Path directory) {
            this.plugins = directory;
            return this;
        }

        /** Follows the run besides the progress output and the loss plots. */
        public Builder listener(TrainingListener listener) {
            listeners.add(requireNonNull(listener, "listener is null"));
            return this;
        }

        /** No progress output on the console. */
        public Builder quiet() {
            PrintWriter none = new PrintWriter(Writer.nullWriter());
            this.output = new Output(none, none, false);
            return this;
        }

        /** Checks the configuration, discovers plugins and wires the run. */
        public PreTraining build() {
            requireNonNull(runDirectory, "runDirectory is null: call runDirectory(path)");
            Map<String, Object> all = new LinkedHashMap<>(settings);
            if (!properties.isEmpty()) {
                all.put("properties", properties);
            }
            RunConfig config = ConfigFiles.resolve(configFile, withoutNulls(all));
            if (settings.containsKey("corpus") && settings.get("corpus") == null) {
                config = config.withCorpus(null);
            }
            ClassLoader loader = PluginClassLoaders.withPlugins(plugins, PreTraining.class.getClassLoader());
            Injector injector = Guice.createInjector(AppModules.modules(DiscoveredPlugins.discover(loader),
                    output != null ? output : Output.system()));
            return new PreTraining(injector.getInstance(RunService.class), config, runDirectory, listeners);
        }

        private static Map<String, Object> withoutNulls(Map<String, Object> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> {
                if (v != null) {
                    out.put(k, v);
                }
            });
            return out;
        }
    }
}

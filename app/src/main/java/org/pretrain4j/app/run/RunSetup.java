package org.pretrain4j.app.run;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.pretrain4j.app.UserException;
import org.pretrain4j.app.config.RunConfig;
import org.pretrain4j.app.plugin.ObjectiveSpec;
import org.pretrain4j.app.plugin.PluginRegistry;
import org.pretrain4j.data.ExampleLayout;
import org.pretrain4j.graph.GraphException;
import org.pretrain4j.nn.TransformerConfig;
import org.pretrain4j.objective.Objectives;
import org.pretrain4j.spi.AttentionKind;
import org.pretrain4j.spi.Backend;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.spi.PluginException;
import org.pretrain4j.text.Tokenizer;
import org.pretrain4j.train.TrainingGraphs;

/**
 * Builds a run from its configuration: the objective from the plugins, the tokenizer, the model,
 * the training graphs and the batch sources, and the backend. Everything a user can get wrong is
 * checked here, before the first step, and reported naming the option.
 */
@Singleton
final class RunSetup {
    /** The tokenizer's file name inside a run folder. */
    static final String TOKENIZER = "tokenizer.json";

    private final PluginRegistry registry;
    private final RunData data;

    @Inject
    RunSetup(PluginRegistry registry, RunData data) {
        this.registry = requireNonNull(registry, "registry is null");
        this.data = requireNonNull(data, "data is null");
    }

    /** Fails early on unknown objective names, properties and the backend, before any data is read. */
    void checkPlugins(RunConfig config) {
        objective(config);
        registry.backendFactory(config.backend());
    }

    /** Position embeddings of every preset (BERT and GPT-2 miniatures have 512). */
    static final int PRESET_POSITIONS = 512;

    /** The run of {@code config} in {@code dir}; a fresh run trains or copies its tokenizer, a continued one reads it back. */
    Setup setup(RunConfig config, Path dir, boolean fresh) {
        if (config.initFrom() != null) {
            return setup(config, dir, fresh, PretrainedStart.ofRun(dir, data.tokenizerOfRun(dir.resolve(TOKENIZER))));
        }
        return setup(config, dir, fresh, null);
    }

    /** With {@code start} (a run from a published model) the model and tokenizer are its, and nothing is written. */
    Setup setup(RunConfig config, Path dir, boolean fresh, PretrainedStart start) {
        TransformerConfig.Preset preset;
        try {
            preset = TransformerConfig.Preset.parse(config.preset());
        } catch (IllegalArgumentException e) {
            throw UserException.usage("--preset: " + e.getMessage());
        }
        Objective objective = objective(config);
        AttentionKind attention = objective.attention();
        ExampleLayout layout = objective.layout().orElse(ExampleLayout.PACKED_BLOCKS);
        if (start != null) {
            start.checkObjective(objective, config.objective());
        }
        RunData.Corpora corpora = data.corpora(config);
        Tokenizer tokenizer = start != null ? start.tokenizer()
                : fresh ? data.tokenizerForNewRun(config, corpora, attention, dir.resolve(TOKENIZER))
                : data.tokenizerOfRun(dir.resolve(TOKENIZER));
        if (attention == AttentionKind.CAUSAL && tokenizer.specialTokens().eos() < 0) {
            // Caught here, not by the exporter after the whole run: packed blocks and the export need it.
            throw UserException.usage("--tokenizer-type: objective " + config.objective()
                    + " is causal and needs a tokenizer with an end-of-text token; byte-level BPE (bpe) has one, "
                    + tokenizer.kind().name().toLowerCase(Locale.ROOT) + " has none");
        }
        TransformerConfig model;
        if (start != null) {
            model = start.model(config);
            if (config.sequenceLength() > model.usablePositions()) {
                throw UserException.usage("--seq: " + config.sequenceLength() + " is more than the " + model.usablePositions()
                        + " positions of the model in --init-from; use --seq " + model.usablePositions() + " or less.");
            }
        } else {
            // The presets are BERT's and GPT's miniatures with 512 positions; a longer --seq used to grow the
            // model silently, making a model that no longer matches its preset.
            int maxPositions = PRESET_POSITIONS;
            if (config.sequenceLength() > maxPositions) {
                throw UserException.usage("--seq: " + config.sequenceLength() + " is more than the " + maxPositions + " positions of preset "
                        + config.preset() + "; use --seq " + maxPositions + " or less.");
            }
            model = TransformerConfig.preset(preset, tokenizer.vocabularySize(), maxPositions, attention)
                    .withDropout(config.dropout(), config.dropout());
        }
        TrainingGraphs graphs;
        try {
            graphs = new TrainingGraphs(model, tokenizer.specialTokens(), objective, TrainerSettings.optimizer(config), config.seed());
        } catch (GraphException | IllegalArgumentException e) {
            throw UserException.usage("--objective " + config.objective() + ": " + e.getMessage());
        }
        if (fresh) {
            // A corpus too small for its split fails here, not at the first evaluation with the work lost.
            data.checkExamples(config, corpora, tokenizer, layout);
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

    /** The backend of a configuration with its {@code <backend>.*} properties; the caller closes it. */
    Backend backend(RunConfig config) {
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
}

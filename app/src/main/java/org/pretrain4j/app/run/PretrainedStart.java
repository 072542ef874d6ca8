package org.pretrain4j.app.run;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pretrain4j.app.UserException;
import org.pretrain4j.app.config.RunConfig;
import org.pretrain4j.data.ExampleLayout;
import org.pretrain4j.graph.Program;
import org.pretrain4j.graph.Tensor;
import org.pretrain4j.nn.TransformerConfig;
import org.pretrain4j.pretrained.HuggingFaceConfig;
import org.pretrain4j.pretrained.PretrainedModelException;
import org.pretrain4j.pretrained.PretrainedWeights;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.text.Tokenizer;
import org.pretrain4j.text.Tokenizers;
import org.pretrain4j.weights.WeightFiles;
import org.pretrain4j.weights.WeightFormatException;
import org.pretrain4j.weights.WeightReader;

/**
 * A run that starts from a published model ({@code --init-from}): its config.json decides the
 * transformer, its tokenizer the vocabulary, its weights the initial parameters. Everything is
 * checked before the run folder is touched. The run folder keeps a copy of the config.json
 * ({@value #CONFIG_COPY}) so that resume, evaluate and export rebuild the same model without the
 * original folder.
 */
final class PretrainedStart {
    /** The copy of the model folder's config.json inside a run folder. */
    static final String CONFIG_COPY = "init-from-config.json";

    private final Path folder;
    private final HuggingFaceConfig config;
    private final Tokenizer tokenizer;

    private PretrainedStart(Path folder, HuggingFaceConfig config, Tokenizer tokenizer) {
        this.folder = folder;
        this.config = config;
        this.tokenizer = tokenizer;
    }

    /** Reads the model folder's config.json and tokenizer for a new run. */
    static PretrainedStart open(RunConfig run) {
        Path folder = Path.of(requireNonNull(run.initFrom(), "initFrom is null"));
        if (!Files.isDirectory(folder)) {
            throw UserException.usage("--init-from: '" + folder + "' is not a folder (expected a model folder with config.json,"
                    + " weights and tokenizer files).");
        }
        HuggingFaceConfig config = readConfig(folder);
        return new PretrainedStart(folder, config, tokenizer(folder, config));
    }

    /** The same for a run folder that was started from a model: its config copy and saved tokenizer. */
    static PretrainedStart ofRun(Path runDirectory, Tokenizer runTokenizer) {
        try {
            return new PretrainedStart(runDirectory, HuggingFaceConfig.readFile(runDirectory.resolve(CONFIG_COPY)), runTokenizer);
        } catch (PretrainedModelException e) {
            throw UserException.runtime("--run-dir: " + e.getMessage(), e);
        }
    }

    private static HuggingFaceConfig readConfig(Path folder) {
        try {
            return HuggingFaceConfig.read(folder);
        } catch (PretrainedModelException e) {
            throw UserException.usage("--init-from: " + e.getMessage());
        }
    }

    /** The tokenizer of a model folder, as transformers' AutoTokenizer finds it (tokenizer.json, vocab.txt, vocab.json + merges.txt). */
    private static Tokenizer tokenizer(Path folder, HuggingFaceConfig config) {
        Tokenizer tokenizer;
        try {
            tokenizer = Tokenizers.loadFromModelFolder(folder);
        } catch (IOException | RuntimeException e) {
            throw UserException.usage("--init-from: " + e.getMessage());
        }
        Path file = Files.isRegularFile(folder.resolve("tokenizer.json")) ? folder.resolve("tokenizer.json")
                : Files.isRegularFile(folder.resolve("vocab.txt")) ? folder.resolve("vocab.txt") : folder.resolve("vocab.json");
        int rows = config.model().vocabularySize();
        if (tokenizer.vocabularySize() != rows) {
            throw UserException.usage("--init-from: " + file + ": the tokenizer has " + tokenizer.vocabularySize()
                    + " ids but " + config.file().getFileName() + " says vocab_size " + rows
                    + " (the rows of the token embedding); they must be equal.");
        }
        return tokenizer;
    }

    HuggingFaceConfig config() {
        return config;
    }

    Tokenizer tokenizer() {
        return tokenizer;
    }

    /** The transformer of the run: the file's, with the run's dropout; the run's sequence length must fit it. */
    TransformerConfig model(RunConfig run) {
        TransformerConfig model = config.model().withDropout(run.dropout(), run.dropout());
        if (run.sequenceLength() > model.usablePositions()) {
            throw UserException.usage("--sequence-length " + run.sequenceLength() + " does not fit " + config.file() + ": the model has "
                    + model.usablePositions() + " positions; use --sequence-length " + model.usablePositions() + " or less.");
        }
        return model;
    }

    /** Fails unless the objective fits the architecture (attention kind, token types for sentence pairs). */
    void checkObjective(Objective objective, String spec) {
        boolean pairs = objective.layout().orElse(ExampleLayout.PACKED_BLOCKS).pairs();
        if (objective.attention() != config.architecture().attention()
                || (pairs && config.model().typeVocabularySize() < 2)) {
            throw UserException.usage("--objective " + spec + " does not fit " + config.file() + ": a " + config.architecture().modelType()
                    + " model trains with " + String.join(", ", config.architecture().objectives()) + ".");
        }
    }

    /** Reads the weights of every parameter of {@code program} the file holds; a shape mismatch fails naming the key. */
    PretrainedWeights weights(Program program) {
        Map<String, long[]> parameters = new LinkedHashMap<>();
        for (Tensor v : program.variables()) {
            parameters.put(v.name(), v.shape().fixedSizes());
        }
        try (WeightReader reader = WeightFiles.open(folder)) {
            return PretrainedWeights.read(reader, config.architecture(), config.model(), parameters);
        } catch (WeightFormatException | PretrainedModelException e) {
            throw UserException.usage("--init-from: " + e.getMessage());
        }
    }

    /** What the run reports when it starts: the file read and the loading report, as Hugging Face gives it. */
    static List<String> report(PretrainedWeights weights) {
        List<String> lines = new ArrayList<>();
        lines.add("Initialised " + weights.state().size() + " tensors from " + weights.file());
        if (!weights.missing().isEmpty()) {
            lines.add("Missing keys, newly initialised (train them before use): " + weights.missing());
        }
        if (!weights.unexpected().isEmpty()) {
            lines.add("Unexpected keys, not used by this objective: " + weights.unexpected());
        }
        return lines;
    }

    /** Writes the tokenizer (as {@code tokenizerFile}) and the config copy into a new run folder. */
    void saveInto(Path runDirectory, String tokenizerFile) {
        try {
            tokenizer.save(runDirectory.resolve(tokenizerFile));
            Files.copy(config.file(), runDirectory.resolve(CONFIG_COPY), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw UserException.runtime("Cannot write " + runDirectory.resolve(CONFIG_COPY) + ": " + e.getMessage(), e);
        }
    }
}

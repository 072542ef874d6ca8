package org.pretrain4j.app.run;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.pretrain4j.app.UserException;
import org.pretrain4j.app.config.ConfigFiles;
import org.pretrain4j.data.CorpusException;
import org.pretrain4j.data.prepared.PreparationEngine;
import org.pretrain4j.data.prepared.TokenizerTrainingRequest;
import org.pretrain4j.text.Tokenizer;

/** Trains tokenizers from a corpus for the {@code tokenizer train} command. */
public final class TokenizerTraining {
    private final RunData data;

    @Inject
    public TokenizerTraining(RunData data) {
        this.data = requireNonNull(data, "data is null");
    }

    /** Trains a tokenizer of {@code type} ("wordpiece" or "bpe") on the whole corpus and writes it to {@code output}. */
    public Tokenizer train(String type, int vocabSize, String corpus, String corpusFormat, String textField,
            boolean allLanguages, boolean lowercase, Path output) {
        if (!type.equals("wordpiece") && !type.equals("bpe")) {
            throw UserException.usage("--type: '" + type + "' is not wordpiece or bpe.");
        }
        checkOutput(output);
        Map<String, Object> settings = new HashMap<>();
        settings.put("corpus", corpus);
        settings.put("corpus-format", corpusFormat);
        settings.put("text-field", textField);
        settings.put("all-languages", allLanguages);
        settings.put("vocab-size", vocabSize);
        var config = ConfigFiles.resolve(null, settings);
        Tokenizer tokenizer = RunData.train(type, vocabSize, data.corpus(config), lowercase);
        save(tokenizer, output);
        return tokenizer;
    }

    /**
     * Trains the tokenizer {@code request} asks for with {@code engine} (such as data-spark's {@code spark},
     * which counts words on a cluster) and writes it to {@code output}: the same file as {@link #train} on the same text.
     */
    public Tokenizer train(PreparationEngine engine, TokenizerTrainingRequest request, Path output) {
        requireNonNull(engine, "engine is null");
        requireNonNull(request, "request is null");
        checkOutput(output);
        Tokenizer tokenizer;
        try {
            tokenizer = engine.trainTokenizer(request);
        } catch (UnsupportedOperationException e) {
            throw UserException.usage("--engine: " + e.getMessage() + ".");
        } catch (CorpusException e) {
            throw UserException.usage("--corpus: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            // The engine's option errors name the option (--master, --split-size).
            throw UserException.usage(e.getMessage());
        }
        save(tokenizer, output);
        return tokenizer;
    }

    private static void checkOutput(Path output) {
        Path parent = output.toAbsolutePath().getParent();
        if (Files.isDirectory(output)) {
            throw UserException.usage("--output: '" + output + "' is a folder; give a file such as tokenizer.json.");
        }
        if (parent != null && Files.exists(parent) && !Files.isDirectory(parent)) {
            throw UserException.usage("--output: cannot create '" + output + "': '" + parent + "' is not a folder.");
        }
    }

    private static void save(Tokenizer tokenizer, Path output) {
        Path parent = output.toAbsolutePath().getParent();
        try {
            if (parent != null) {
                Files.createDirectories(parent);
            }
            tokenizer.save(output);
        } catch (IOException e) {
            throw UserException.runtime("Cannot write " + output + ": " + e.getMessage(), e);
        }
    }
}

package org.pretrain4j.app.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.pretrain4j.app.TokenizerFiles;
import org.pretrain4j.app.UserException;
import org.pretrain4j.app.onnx.OnnxRuntimeSessions;
import org.pretrain4j.text.Tokenizer;

/**
 * An export folder opened for inference: its {@code config.json}, its tokenizer and one ONNX Runtime
 * session over {@code onnx/model.onnx}, opened through the ONNX adapter. Owns the session; close it once.
 */
public final class ExportedModel implements AutoCloseable {
    private final Path directory;
    private final JsonNode config;
    private final Tokenizer tokenizer;
    private final ModelSession session;

    private ExportedModel(Path directory, JsonNode config, Tokenizer tokenizer, ModelSession session) {
        this.directory = directory;
        this.config = config;
        this.tokenizer = tokenizer;
        this.session = session;
    }

    /** Opens {@code directory} (an export folder as EXPORT.md describes), failing with the missing or bad file named. */
    public static ExportedModel open(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw UserException.usage("--model: '" + directory + "' is not a folder (give an export folder, e.g. RUN_DIR/export).");
        }
        Path configFile = directory.resolve("config.json");
        Path tokenizerFile = directory.resolve("tokenizer.json");
        Path modelFile = directory.resolve("onnx").resolve("model.onnx");
        for (Path required : new Path[] {configFile, tokenizerFile, modelFile}) {
            if (!Files.isRegularFile(required)) {
                throw UserException.usage("--model: '" + directory + "' has no " + directory.relativize(required)
                        + "; is it an export folder?");
            }
        }
        JsonNode config;
        try {
            config = new ObjectMapper().readTree(configFile.toFile());
        } catch (IOException e) {
            throw UserException.usage(configFile + ": cannot read it as JSON: " + e.getMessage());
        }
        Tokenizer tokenizer = TokenizerFiles.load(tokenizerFile);
        return new ExportedModel(directory, config, tokenizer, OnnxRuntimeSessions.open(directory, modelFile));
    }

    public Path directory() {
        return directory;
    }

    public JsonNode config() {
        return config;
    }

    /** {@code model_type} from config.json ("bert", "gpt2", ...). */
    public String modelType() {
        return config.path("model_type").asText("");
    }

    public boolean isDecoder() {
        return modelType().equals("gpt2");
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    ModelSession session() {
        return session;
    }

    Set<String> inputNames() {
        return session.inputNames();
    }

    Set<String> outputNames() {
        return session.outputNames();
    }

    /** An integer from config.json, or {@code fallback} when absent. */
    int configInt(String key, int fallback) {
        JsonNode node = config.get(key);
        return node != null && node.canConvertToInt() ? node.asInt() : fallback;
    }

    @Override
    public void close() {
        session.close();
    }
}

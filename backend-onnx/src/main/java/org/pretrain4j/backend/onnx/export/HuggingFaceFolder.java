package org.pretrain4j.backend.onnx.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.pretrain4j.spi.AttentionKind;
import org.pretrain4j.spi.ExportRequest;

/**
 * The Hugging Face files every export format of an export folder shares: {@code tokenizer.json},
 * {@code config.json}, {@code tokenizer_config.json} and, for decoders, {@code generation_config.json}.
 * Each format that needs them calls {@link #writeShared}, which writes only those still absent, so
 * that the first format of an export writes them and the others leave them (their content depends
 * on the request only, so it would be the same).
 */
final class HuggingFaceFolder {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private HuggingFaceFolder() {}

    /** The shared files of an export of {@code request}, relative to the folder. */
    static List<String> files(ExportRequest request) {
        List<String> files = new ArrayList<>(List.of("tokenizer.json", "config.json", "tokenizer_config.json"));
        if (decoder(request)) {
            files.add("generation_config.json");
        }
        return files;
    }

    /** Writes the shared files absent from {@code dir}; returns those it wrote. */
    static List<Path> writeShared(ExportRequest request, Path dir) throws IOException {
        boolean decoder = decoder(request);
        List<Path> files = new ArrayList<>();
        Path tokenizerJson = dir.resolve("tokenizer.json");
        if (!Files.exists(tokenizerJson)) {
            request.tokenizer().save(tokenizerJson);
            files.add(tokenizerJson);
        }
        JsonNode tokenizerTree = JSON.readTree(tokenizerJson.toFile());
        boolean nsp = request.model().outputs().containsKey("seq_relationship_logits");
        writeIfAbsent(files, dir.resolve("config.json"), HuggingFaceConfigs.modelConfig(request, decoder, nsp));
        writeIfAbsent(files, dir.resolve("tokenizer_config.json"), HuggingFaceConfigs.tokenizerConfig(request, decoder, tokenizerTree));
        if (decoder) {
            writeIfAbsent(files, dir.resolve("generation_config.json"), HuggingFaceConfigs.generationConfig(request));
        }
        return files;
    }

    private static boolean decoder(ExportRequest request) {
        return request.config().attention() == AttentionKind.CAUSAL;
    }

    private static void writeIfAbsent(List<Path> files, Path file, JsonNode node) throws IOException {
        if (!Files.exists(file)) {
            Files.writeString(file, JSON.writeValueAsString(node) + "\n", StandardCharsets.UTF_8);
            files.add(file);
        }
    }
}

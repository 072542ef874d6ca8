package org.pretrain4j.backend.onnx.export;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.nn.TransformerConfig;
import org.pretrain4j.pretrained.HuggingFaceArchitecture;
import org.pretrain4j.pretrained.HuggingFaceKeys;
import org.pretrain4j.spi.AttentionKind;
import org.pretrain4j.spi.ExportRequest;
import org.pretrain4j.weights.SafetensorsWriter;

/**
 * Writes an export's {@code model.safetensors}: the trained parameters under Hugging Face's key
 * names ({@link HuggingFaceKeys}), float32, the tied output embedding once, so that the export
 * folder loads with transformers' {@code from_pretrained} (EXPORT.md, "Hugging Face weights").
 */
public final class HuggingFaceWeightsExport {
    /** The file name inside an export folder. */
    public static final String FILE = "model.safetensors";

    private HuggingFaceWeightsExport() {}

    /** The Hugging Face architecture a model of this configuration exports as. */
    public static HuggingFaceArchitecture architecture(TransformerConfig config) {
        if (config.attention() == AttentionKind.CAUSAL) {
            return HuggingFaceArchitecture.GPT2;
        }
        return config.robertaPositions() ? HuggingFaceArchitecture.ROBERTA : HuggingFaceArchitecture.BERT;
    }

    /** The tensors {@link #write} writes, by key, in file order. */
    public static LinkedHashMap<String, HostTensor> tensors(ExportRequest request) {
        requireNonNull(request, "request is null");
        return HuggingFaceKeys.toHuggingFace(architecture(request.config()), request.config(), request.state());
    }

    /** Writes {@code folder/model.safetensors} (atomically); returns the file. */
    public static Path write(ExportRequest request, Path folder) {
        Path file = folder.resolve(FILE);
        // transformers refuses a safetensors file without format metadata.
        SafetensorsWriter.write(file, tensors(request), Map.of("format", "pt"));
        return file;
    }
}

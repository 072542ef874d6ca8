package org.pretrain4j.weights;

import static java.util.Objects.requireNonNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Finds and opens the weights of a Hugging Face model folder. */
public final class WeightFiles {
    /** The file names looked for, in order of preference. */
    public static final List<String> WEIGHT_FILES = List.of("model.safetensors", "model.safetensors.index.json", "pytorch_model.bin");

    private WeightFiles() {}

    /**
     * Opens the weights of a Hugging Face model folder: model.safetensors, a sharded
     * model.safetensors.index.json, or pytorch_model.bin (in that order of preference); fails naming
     * the folder and the files looked for.
     */
    public static WeightReader open(Path modelFolder) {
        requireNonNull(modelFolder, "modelFolder is null");
        if (!Files.isDirectory(modelFolder)) {
            throw new WeightFormatException(modelFolder, "is not a folder (expected a model folder holding one of " + WEIGHT_FILES + ")");
        }
        Path safetensors = modelFolder.resolve(WEIGHT_FILES.get(0));
        if (Files.isRegularFile(safetensors)) {
            return SafetensorsReader.open(safetensors);
        }
        Path index = modelFolder.resolve(WEIGHT_FILES.get(1));
        if (Files.isRegularFile(index)) {
            return ShardedSafetensorsReader.open(index);
        }
        Path torch = modelFolder.resolve(WEIGHT_FILES.get(2));
        if (Files.isRegularFile(torch)) {
            return TorchCheckpointReader.open(torch);
        }
        String hint = Files.isRegularFile(modelFolder.resolve("tf_model.h5")) || Files.isRegularFile(modelFolder.resolve("flax_model.msgpack"))
                ? " (TensorFlow and Flax weights are not read: convert them with transformers' from_pretrained(..., from_tf=True)"
                        + " then save_pretrained)"
                : "";
        throw new WeightFormatException(modelFolder, "holds no weights: looked for " + String.join(", ", WEIGHT_FILES) + hint);
    }
}

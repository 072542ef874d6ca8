package org.pretrain4j.weights;

import java.nio.file.Path;
import java.util.Set;
import org.pretrain4j.graph.HostTensor;

/**
 * Named tensors of one checkpoint, read as float32 (F16 and BF16 widened exactly; I64 buffers such
 * as old BERT files' {@code position_ids} converted, exact below 2^24). Not thread-safe; close it.
 */
public interface WeightReader extends AutoCloseable {
    /** The file (or index file) read, for messages. */
    Path file();

    /** Tensor names in file order; unmodifiable. */
    Set<String> names();

    /** The stored shape of {@code name} (a copy); throws {@link WeightFormatException} naming file and tensor if unknown. */
    long[] shape(String name);

    /** The dtype as stored: "F32", "F16", "BF16" or "I64" (others are refused by name at open). */
    String dtype(String name);

    /** The tensor as float32, row-major, in a new array the caller owns. */
    HostTensor read(String name);

    /** The free-form strings of the file ({@code __metadata__} of safetensors); empty when none. */
    default java.util.Map<String, String> metadata() {
        return java.util.Map.of();
    }

    @Override
    void close();
}

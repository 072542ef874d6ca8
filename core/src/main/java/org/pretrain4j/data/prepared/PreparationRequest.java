package org.pretrain4j.data.prepared;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Map;

/**
 * What to prepare: the input ({@code input} a path, folder or glob as the engine reads it; null for
 * the built-in sample), its {@code format} (auto, bert, text, jsonl, europarl, or parquet for engines
 * that read it) and JSON/Parquet {@code textField}, the tokenizer file, the output folder, the shard
 * size and engine options such as {@code master} and {@code split-bytes} (data-spark's).
 */
public record PreparationRequest(String input, String format, String textField, Path tokenizer, String output, long maxShardBytes,
        Map<String, String> options) {
    public PreparationRequest {
        requireNonNull(format, "format is null");
        requireNonNull(textField, "textField is null");
        requireNonNull(tokenizer, "tokenizer is null");
        requireNonNull(output, "output is null");
        if (maxShardBytes < 1) {
            throw new IllegalArgumentException("shard size must be positive: " + maxShardBytes);
        }
        options = Map.copyOf(options == null ? Map.of() : options);
    }
}

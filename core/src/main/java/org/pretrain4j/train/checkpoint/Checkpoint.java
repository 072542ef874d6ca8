package org.pretrain4j.train.checkpoint;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.pretrain4j.graph.HostTensor;

/** A verified checkpoint as read from disk: its directory, metadata and every state tensor (parameters and optimizer state) by variable name. */
public record Checkpoint(Path directory, CheckpointMetadata metadata, Map<String, HostTensor> tensors) {
    public Checkpoint {
        requireNonNull(directory, "directory is null");
        requireNonNull(metadata, "metadata is null");
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    /** Steps done when it was written. */
    public long step() {
        return metadata.step();
    }
}

package org.pretrain4j.weights;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.pretrain4j.graph.HostTensor;

/**
 * A checkpoint split over several safetensors files by a {@code model.safetensors.index.json}
 * whose {@code weight_map} names the shard of each tensor. One reader over all shards; each shard
 * is validated at open, and every tensor of the map must be in the shard it names.
 */
public final class ShardedSafetensorsReader implements WeightReader {
    private final Path index;
    private final Map<String, SafetensorsReader> shardOf;
    private final Map<String, SafetensorsReader> shards;
    private final Map<String, String> metadata;

    private ShardedSafetensorsReader(Path index, Map<String, SafetensorsReader> shardOf, Map<String, SafetensorsReader> shards,
            Map<String, String> metadata) {
        this.index = index;
        this.shardOf = shardOf;
        this.shards = shards;
        this.metadata = metadata;
    }

    /** Opens the index file and every shard it names (relative to the index's folder). */
    public static ShardedSafetensorsReader open(Path indexFile) {
        requireNonNull(indexFile, "indexFile is null");
        JsonNode root;
        try {
            root = SafetensorsReader.JSON.readTree(Files.readAllBytes(indexFile));
        } catch (NoSuchFileException e) {
            throw new WeightFormatException(indexFile, "no such file");
        } catch (JsonProcessingException e) {
            throw new WeightFormatException(indexFile, "not valid JSON (" + SafetensorsReader.oneLine(e.getOriginalMessage()) + ")", e);
        } catch (IOException e) {
            throw new WeightFormatException(indexFile, "cannot be read: " + e.getMessage(), e);
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject() || map.isEmpty()) {
            throw new WeightFormatException(indexFile, "has no \"weight_map\" object of tensor name to shard file");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        JsonNode meta = root.get("metadata");
        if (meta != null && meta.isObject()) {
            meta.fields().forEachRemaining(e -> metadata.put(e.getKey(), e.getValue().asText()));
        }
        Path folder = indexFile.toAbsolutePath().getParent();
        Map<String, SafetensorsReader> shards = new LinkedHashMap<>();
        Map<String, SafetensorsReader> shardOf = new LinkedHashMap<>();
        try {
            Iterator<Map.Entry<String, JsonNode>> it = map.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                String shardName = e.getValue().asText();
                if (!e.getValue().isTextual() || shardName.isEmpty() || shardName.contains("/") || shardName.contains("\\")
                        || shardName.equals("..")) {
                    throw new WeightFormatException(indexFile, "weight_map['" + e.getKey() + "'] is " + e.getValue()
                            + ", not a file name in the index's folder");
                }
                SafetensorsReader shard = shards.get(shardName);
                if (shard == null) {
                    Path shardFile = folder.resolve(shardName);
                    if (!Files.isRegularFile(shardFile)) {
                        throw new WeightFormatException(indexFile, "names shard " + shardName + " (for '" + e.getKey()
                                + "'), which is not in " + folder);
                    }
                    shard = SafetensorsReader.open(shardFile);
                    shards.put(shardName, shard);
                }
                if (!shard.names().contains(e.getKey())) {
                    throw new WeightFormatException(indexFile, "weight_map puts '" + e.getKey() + "' in " + shardName
                            + ", which has no such tensor");
                }
                shardOf.put(e.getKey(), shard);
            }
        } catch (RuntimeException e) {
            shards.values().forEach(SafetensorsReader::close);
            throw e;
        }
        return new ShardedSafetensorsReader(indexFile, Collections.unmodifiableMap(shardOf), shards,
                Collections.unmodifiableMap(metadata));
    }

    private SafetensorsReader shard(String name) {
        SafetensorsReader shard = shardOf.get(requireNonNull(name, "name is null"));
        if (shard == null) {
            throw new WeightFormatException(index, "has no tensor '" + name + "'");
        }
        return shard;
    }

    @Override
    public Path file() {
        return index;
    }

    @Override
    public Set<String> names() {
        return shardOf.keySet();
    }

    @Override
    public long[] shape(String name) {
        return shard(name).shape(name);
    }

    @Override
    public String dtype(String name) {
        return shard(name).dtype(name);
    }

    @Override
    public HostTensor read(String name) {
        return shard(name).read(name);
    }

    /** The index's {@code metadata} (e.g. {@code total_size}), as strings. */
    @Override
    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (SafetensorsReader shard : shards.values()) {
            try {
                shard.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public String toString() {
        return "ShardedSafetensorsReader[" + index + ", " + shards.size() + " shards, " + shardOf.size() + " tensors]";
    }
}

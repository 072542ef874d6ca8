package org.pretrain4j.app.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.pretrain4j.app.UserException;

/**
 * Reads run configurations from JSON or YAML, applies command-line overrides, and writes the
 * resolved configuration into the run folder. Precedence: defaults, then the file, then the command line.
 */
public final class ConfigFiles {
    /** The resolved configuration's file name inside a run folder. */
    public static final String RUN_CONFIG = "run-config.json";

    // Strict: a duplicated key is an error (not "the last one wins") and 10.9 for an integer key is
    // an error (not 10): either is a typo the user must hear about.
    private static final ObjectMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();
    private static final ObjectMapper YAML = YAMLMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private ConfigFiles() {}

    /**
     * Resolves a configuration: defaults, overlaid by {@code file} (may be null), overlaid by
     * {@code overrides} (kebab-case key to value, from the command line; null values are ignored).
     */
    public static RunConfig resolve(Path file, Map<String, ?> overrides) {
        return resolve(RunConfig.defaults(), file, overrides);
    }

    /** As {@link #resolve(Path, Map)} but on top of {@code base} instead of the defaults. */
    public static RunConfig resolve(RunConfig base, Path file, Map<String, ?> overrides) {
        ObjectNode tree = JSON.valueToTree(base);
        List<String> keys = new ArrayList<>();
        tree.fieldNames().forEachRemaining(keys::add);
        if (file != null) {
            ObjectNode fromFile = read(file);
            for (Map.Entry<String, JsonNode> e : fromFile.properties()) {
                if (!tree.has(e.getKey())) {
                    throw UserException.usage(file + ": unknown key '" + e.getKey() + "'. Known keys: " + new TreeSet<>(keys) + ".");
                }
                if (e.getKey().equals("properties") && e.getValue().isObject()) {
                    mergeProperties(tree, e.getValue());
                } else {
                    tree.set(e.getKey(), e.getValue());
                }
            }
        }
        for (Map.Entry<String, ?> e : new TreeMap<>(overrides).entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            if (!tree.has(e.getKey())) {
                throw new IllegalArgumentException("not a configuration key: " + e.getKey());
            }
            JsonNode value = JSON.valueToTree(e.getValue());
            if (e.getKey().equals("properties")) {
                mergeProperties(tree, value);
            } else {
                tree.set(e.getKey(), value);
            }
        }
        return convert(tree, file, overrides);
    }

    /** Reads a configuration written by {@link #save} (or by hand), with nothing overlaid. */
    public static RunConfig load(Path file) {
        return resolve(file, Map.of());
    }

    /** Writes {@code config} as {@code runDirectory/run-config.json}. */
    public static Path save(RunConfig config, Path runDirectory) {
        Path target = runDirectory.resolve(RUN_CONFIG);
        try {
            Files.createDirectories(runDirectory);
            Path temporary = runDirectory.resolve(RUN_CONFIG + ".tmp");
            Files.writeString(temporary, toJson(config) + "\n");
            Files.move(temporary, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw UserException.runtime("Cannot write " + target + ": " + org.pretrain4j.train.IoFailures.describe(e));
        }
        return target;
    }

    /** The configuration as kebab-case keys to values (numbers, strings, booleans, the properties map). */
    public static Map<String, Object> asMap(RunConfig config) {
        return JSON.convertValue(config, new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() {});
    }

    /** The configuration as pretty JSON with kebab-case keys. */
    public static String toJson(RunConfig config) {
        try {
            return JSON.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void mergeProperties(ObjectNode tree, JsonNode extra) {
        ObjectNode merged = tree.get("properties") instanceof ObjectNode o ? o.deepCopy() : JSON.createObjectNode();
        for (Map.Entry<String, JsonNode> e : extra.properties()) {
            // Property values are strings to the plugins; YAML may have parsed 0.5 as a number.
            merged.put(e.getKey(), e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString());
        }
        tree.set("properties", merged);
    }

    private static ObjectNode read(Path file) {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        ObjectMapper mapper = name.endsWith(".yaml") || name.endsWith(".yml") ? YAML : JSON;
        JsonNode node;
        try {
            node = mapper.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw UserException.usage("--config: file '" + file + "' does not exist.");
        } catch (JsonProcessingException e) {
            throw UserException.usage(file + where(e.getLocation()) + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw UserException.usage("--config: cannot read '" + file + "': " + org.pretrain4j.train.IoFailures.describe(e));
        }
        if (node == null || node.isMissingNode() || node.isNull()) {
            // Most likely the wrong file, or one cut short: running the defaults silently would hide that.
            throw UserException.usage(file + ": the configuration file is empty; give at least one key, or leave out --config.");
        }
        if (!(node instanceof ObjectNode object)) {
            throw UserException.usage(file + ": expected a mapping of keys to values at the top level.");
        }
        return object;
    }

    private static RunConfig convert(ObjectNode tree, Path file, Map<String, ?> overrides) {
        try {
            return JSON.treeToValue(tree, RunConfig.class);
        } catch (ValueInstantiationException e) {
            if (e.getCause() instanceof RunConfig.InvalidConfigException invalid) {
                throw UserException.usage(source(invalid.key(), file, overrides) + ": " + invalid.getMessage());
            }
            throw UserException.usage("Invalid configuration: " + e.getOriginalMessage());
        } catch (MismatchedInputException e) {
            String key = e.getPath().isEmpty() ? "?" : e.getPath().get(0).getFieldName();
            throw UserException.usage(source(key, file, overrides) + ": '" + key + "' has the wrong type ("
                    + e.getOriginalMessage().split("\n")[0] + ").");
        } catch (JsonProcessingException e) {
            throw UserException.usage("Invalid configuration: " + e.getOriginalMessage());
        }
    }

    private static String source(String key, Path file, Map<String, ?> overrides) {
        if (overrides.get(key) != null) {
            return "--" + key;
        }
        return file != null ? file.toString() : "configuration";
    }

    private static String where(JsonLocation location) {
        if (location == null || location.getLineNr() < 0) {
            return "";
        }
        return " line " + location.getLineNr() + ", column " + location.getColumnNr();
    }
}

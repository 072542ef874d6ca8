package org.pretrain4j.spi;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Strict reading of a plugin's properties against its {@link PropertySpec}s, the defaults' single
 * home, and the one place unknown keys are found ({@link #parse} for plugins, {@link #checkKeys}
 * for the host): an unknown key, or a value that does not parse or is out of range, throws a
 * {@link PluginException} naming the plugin, the key and the value. Keys under a declared prefix
 * (e.g. {@code strategy.}) are passed through for another plugin to check. Immutable.
 */
public final class PluginProperties {
    private final String plugin;
    private final Map<String, String> values;
    private final Map<String, PropertySpec> specs = new LinkedHashMap<>();

    private PluginProperties(String plugin, Map<String, String> values, List<PropertySpec> specs) {
        this.plugin = plugin;
        this.values = values;
        for (PropertySpec s : specs) {
            this.specs.put(s.key(), s);
        }
    }

    /**
     * Checks every key of {@code properties} against {@code specs} and {@code passThroughPrefixes};
     * {@code plugin} names the plugin in messages (e.g. "masking strategy 'bert'").
     */
    public static PluginProperties parse(String plugin, Map<String, String> properties, List<PropertySpec> specs,
            String... passThroughPrefixes) {
        requireNonNull(plugin, "plugin is null");
        requireNonNull(properties, "properties is null");
        requireNonNull(specs, "specs is null");
        Map<String, String> values = new TreeMap<>(properties);
        List<String> known = specs.stream().map(PropertySpec::key).toList();
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (e.getValue() == null) {
                throw new PluginException(plugin + ": property '" + requireNonNull(e.getKey(), "a property key is null") + "' has no value");
            }
        }
        firstUnknown(values, known, key -> {
            for (String prefix : passThroughPrefixes) {
                if (key.startsWith(prefix) && key.length() > prefix.length()) {
                    return true;
                }
            }
            return false;
        }).ifPresent(key -> {
            List<String> accepted = new ArrayList<>(known);
            for (String prefix : passThroughPrefixes) {
                accepted.add(prefix + "*");
            }
            throw new PluginException("Unknown property '" + key + "' for " + plugin + ". Known: " + accepted);
        });
        return new PluginProperties(plugin, Map.copyOf(values), specs);
    }

    /**
     * The host's check before it creates a plugin ({@code kind} "objective", "backend", ...), so that
     * every plugin gets the same message whether or not it parses strictly itself: a key the plugin
     * does not declare fails, named as the user wrote it ({@code <name>.<key>}). Dotted keys (another
     * plugin's, passed through, as {@code mlm.strategy.rate}) are left to the plugin, which checks
     * them with {@link #parse}. The one validation path of plugin properties, with {@link #parse}.
     */
    public static void checkKeys(String kind, String name, List<PropertySpec> declared, Map<String, String> given) {
        requireNonNull(given, "given is null");
        Set<String> known = new TreeSet<>();
        declared.forEach(spec -> known.add(spec.key()));
        firstUnknown(given, known, key -> key.contains(".")).ifPresent(key -> {
            throw new PluginException("Unknown property '" + name + "." + key + "' for " + kind + " '" + name
                    + "'. Known: " + known + ".");
        });
    }

    /** The first key in sorted order that is neither known nor passed through. */
    private static Optional<String> firstUnknown(Map<String, String> given, Collection<String> known, Predicate<String> passes) {
        for (String key : new TreeSet<>(given.keySet())) {
            requireNonNull(key, "a property key is null");
            if (!known.contains(key) && !passes.test(key)) {
                return Optional.of(key);
            }
        }
        return Optional.empty();
    }

    /** The value given, or the spec's default (null when neither). */
    public String string(String key) {
        PropertySpec spec = specs.get(key);
        if (spec == null) {
            throw new IllegalArgumentException(plugin + " reads property '" + key + "' that it does not declare");
        }
        return values.getOrDefault(key, spec.defaultValue());
    }

    /** A number in {@code [min, max]}. */
    public double number(String key, double min, double max) {
        String raw = required(key);
        double v;
        try {
            v = Double.parseDouble(raw.strip());
        } catch (NumberFormatException e) {
            throw invalid(key, raw, "is not a number");
        }
        if (!(v >= min && v <= max)) {
            throw invalid(key, raw, "must be in [" + min + ", " + max + "]");
        }
        return v;
    }

    /** An integer in {@code [min, max]}, or null when neither given nor defaulted. */
    public Integer optionalInteger(String key, int min, int max) {
        String raw = string(key);
        if (raw == null) {
            return null;
        }
        int v;
        try {
            v = Integer.parseInt(raw.strip());
        } catch (NumberFormatException e) {
            throw invalid(key, raw, "is not a whole number");
        }
        if (v < min || v > max) {
            throw invalid(key, raw, "must be in [" + min + ", " + max + "]");
        }
        return v;
    }

    /** An integer in {@code [min, max]}. */
    public int integer(String key, int min, int max) {
        required(key);
        return optionalInteger(key, min, max);
    }

    /** One of {@code choices} (exact, lower case). */
    public String choice(String key, List<String> choices) {
        String raw = required(key);
        if (!choices.contains(raw)) {
            throw invalid(key, raw, "must be one of " + choices);
        }
        return raw;
    }

    /** The properties under {@code prefix}, with the prefix taken off the keys. */
    public Map<String, String> withPrefix(String prefix) {
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                out.put(e.getKey().substring(prefix.length()), e.getValue());
            }
        }
        return out;
    }

    /** An error about a property's value, naming the plugin, the key and the value. */
    public PluginException invalid(String key, String value, String why) {
        return new PluginException(plugin + ": property '" + key + "' = '" + value + "' " + why);
    }

    private String required(String key) {
        String raw = string(key);
        if (raw == null) {
            throw new PluginException(plugin + ": property '" + key + "' is required");
        }
        return raw;
    }
}

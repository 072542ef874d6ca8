package org.pretrain4j.app.plugin;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.pretrain4j.spi.ObjectiveFactory;
import org.pretrain4j.spi.PluginException;

/**
 * An objective spec such as {@code mlm+nsp} with its per-objective properties: {@code nsp.weight=0.5}
 * sets the weight of a term in the composition; any other {@code name.key=value} is passed to that
 * objective's factory as {@code key=value}.
 */
public record ObjectiveSpec(List<String> names, Map<String, Double> weights, Map<String, Map<String, String>> properties) {
    private static final String NAME = "[a-z][a-z0-9-]*";

    public ObjectiveSpec {
        names = List.copyOf(names);
        weights = Map.copyOf(weights);
        Map<String, Map<String, String>> copy = new LinkedHashMap<>();
        properties.forEach((k, v) -> copy.put(k, Map.copyOf(v)));
        properties = Map.copyOf(copy);
    }

    /** The spec as written, e.g. "mlm+nsp". */
    public String text() {
        return String.join("+", names);
    }

    /** The weight of one objective's loss in the composition (1 unless set). */
    public double weight(String name) {
        return weights.getOrDefault(name, 1.0);
    }

    /**
     * Parses {@code spec} and takes from {@code properties} every key whose prefix names one of its
     * objectives; keys with other prefixes are left for the caller (the backend's).
     */
    public static ObjectiveSpec parse(String spec, Map<String, String> properties) {
        requireNonNull(properties, "properties is null");
        if (spec == null || spec.isBlank()) {
            throw new PluginException("--objective is empty; give one or more names joined with '+', e.g. mlm+nsp.");
        }
        LinkedHashSet<String> names = new LinkedHashSet<>();
        for (String part : spec.split("\\+", -1)) {
            String name = part.trim();
            if (!name.matches(NAME)) {
                throw new PluginException("--objective '" + spec + "': '" + name + "' is not an objective name ("
                        + NAME + "); join names with '+', e.g. mlm+nsp.");
            }
            if (!names.add(name)) {
                throw new PluginException("--objective '" + spec + "' names '" + name + "' twice.");
            }
        }
        Map<String, Double> weights = new TreeMap<>();
        Map<String, Map<String, String>> own = new LinkedHashMap<>();
        for (String name : names) {
            own.put(name, new TreeMap<>());
        }
        for (Map.Entry<String, String> e : new TreeMap<>(properties).entrySet()) {
            String key = e.getKey();
            int dot = key.indexOf('.');
            String prefix = dot < 0 ? key : key.substring(0, dot);
            if (!names.contains(prefix)) {
                continue;
            }
            if (dot < 0 || dot == key.length() - 1) {
                throw new PluginException("Property '" + key + "' has no key after the objective name; write "
                        + prefix + ".KEY=VALUE.");
            }
            String rest = key.substring(dot + 1);
            if (rest.equals(ObjectiveFactory.WEIGHT)) {
                weights.put(prefix, parseWeight(key, e.getValue()));
            } else {
                own.get(prefix).put(rest, e.getValue());
            }
        }
        return new ObjectiveSpec(new ArrayList<>(names), weights, own);
    }

    private static double parseWeight(String key, String value) {
        double w;
        try {
            w = Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new PluginException("Property '" + key + "': '" + value + "' is not a number.");
        }
        if (!(w > 0) || Double.isInfinite(w)) {
            throw new PluginException("Property '" + key + "' must be a positive finite number, got " + value + ".");
        }
        return w;
    }
}

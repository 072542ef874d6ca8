package org.pretrain4j.app.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import org.pretrain4j.app.UserException;

/**
 * A named set of defaults that {@code train} puts between {@link RunConfig#defaults()} and the config
 * file and options: defaults, then the recipe, then the file, then the command line, so that every
 * option given still means what it says. {@code quick-start} (the command line's default) is tuned
 * to leave a model that has learned something within about 3 minutes on 2 cores; {@code none} keeps
 * the plain defaults (the library's).
 *
 * @param name the recipe's name
 * @param objective the objective spec the values were chosen for
 * @param values kebab-case configuration keys to values, in the order they are printed; plugin
 *     properties under {@code properties}
 */
public record Recipe(String name, String objective, Map<String, Object> values) {
    public static final String QUICK_START = "quick-start";
    public static final String NONE = "none";
    public static final List<String> NAMES = List.of(QUICK_START, NONE);
    /** The masking strategies that take {@code rate} (a plugin's may not). */
    private static final List<String> BUILT_IN_STRATEGIES = List.of("bert", "whole-word", "span");

    public Recipe {
        requireNonNull(name, "name is null");
        requireNonNull(objective, "objective is null");
        values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /**
     * The recipe {@code name} for {@code objective}. Quick start: encoders (any objective but
     * {@code clm}) train on 64-token sequences at a constant rate without dropout, with 40% of the
     * tokens masked when {@code mlm} is one of the objectives with a built-in masking strategy
     * (Wettig et al. 2023: BERT learns sooner); {@code clm} keeps 128-token blocks and a linear decay.
     */
    public static Recipe named(String name, String objective) {
        requireNonNull(objective, "objective is null");
        if (NONE.equals(name)) {
            return new Recipe(NONE, objective, Map.of());
        }
        if (!QUICK_START.equals(name)) {
            throw UserException.usage("--recipe: unknown recipe '" + name + "'. Available: " + NAMES + ".");
        }
        List<String> parts = Arrays.stream(objective.split("\\+")).map(String::trim).toList();
        Map<String, Object> values = new LinkedHashMap<>();
        if (parts.contains("clm")) {
            values.put("steps", 800);
            values.put("batch-size", 32);
            values.put("sequence-length", 128);
            values.put("learning-rate", 2e-3);
            values.put("warmup-steps", 80);
            values.put("schedule", "linear");
            values.put("dropout", 0.0);
        } else {
            values.put("steps", 1200);
            values.put("batch-size", 64);
            values.put("sequence-length", 64);
            values.put("learning-rate", 2e-3);
            values.put("warmup-steps", 200);
            values.put("schedule", "constant");
            values.put("dropout", 0.0);
            if (parts.contains("mlm")) {
                values.put("properties", Map.of("mlm.strategy.rate", "0.4"));
            }
        }
        return new Recipe(QUICK_START, objective, values);
    }

    /**
     * The configuration of {@code train}: the defaults, this recipe's values for the objective the
     * file or {@code overrides} choose, the file (nullable), then {@code overrides} (nulls ignored).
     */
    public static Resolved resolve(String recipeName, Path file, Map<String, ?> overrides) {
        String name = recipeName == null ? QUICK_START : recipeName;
        RunConfig given = ConfigFiles.resolve(file, overrides);
        Recipe recipe = named(name, given.objective());
        String strategy = given.properties().getOrDefault("mlm.strategy", "bert");
        if (!BUILT_IN_STRATEGIES.contains(strategy)) {
            // A plugin's strategy may have no 'rate' key: the recipe leaves its properties to the user.
            Map<String, Object> values = new LinkedHashMap<>(recipe.values());
            values.remove("properties");
            recipe = new Recipe(recipe.name(), recipe.objective(), values);
        }
        RunConfig base = ConfigFiles.resolve(RunConfig.defaults(), null, recipe.values());
        return new Resolved(recipe, ConfigFiles.resolve(base, file, overrides));
    }

    /** A configuration and the recipe under it. */
    public record Resolved(Recipe recipe, RunConfig config) {}

    /** One line for the start of a run: the recipe's values, and which of them the file or options replaced. */
    public String describe(RunConfig actual) {
        if (values.isEmpty()) {
            return "Recipe none: the plain defaults (see train --help).";
        }
        Map<String, Object> given = ConfigFiles.asMap(actual);
        StringJoiner line = new StringJoiner(" ");
        StringJoiner replaced = new StringJoiner(", ");
        values.forEach((key, value) -> {
            if (key.equals("properties")) {
                @SuppressWarnings("unchecked")
                Map<String, String> properties = (Map<String, String>) value;
                new TreeMap<>(properties).forEach((k, v) -> {
                    line.add("-p " + k + "=" + v);
                    if (!v.equals(actual.properties().get(k))) {
                        replaced.add(k);
                    }
                });
            } else {
                line.add("--" + key + " " + format(value));
                if (!format(value).equals(format(given.get(key)))) {
                    replaced.add("--" + key);
                }
            }
        });
        String tail = replaced.length() == 0 ? "" : " (replaced here: " + replaced + ")";
        return "Recipe " + name + " for " + objective + ": " + line + tail
                + ". Options and --config override it; --recipe none for the plain defaults.";
    }

    private static String format(Object value) {
        if (value instanceof Double d) {
            return d == Math.rint(d) && Math.abs(d) < 1e6 ? Long.toString(d.longValue()) : Double.toString(d);
        }
        return String.valueOf(value);
    }
}

package org.pretrain4j.objective.nsp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pretrain4j.objective.Objectives;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.spi.ObjectiveFactory;
import org.pretrain4j.spi.PluginException;
import org.pretrain4j.spi.PluginLookup;
import org.pretrain4j.spi.PropertySpec;

/**
 * Composes factories as the app does for {@code --objective mlm+nsp}: properties are
 * {@code <part>.<key>} (the part's own keys) or {@code <part>.weight}, read by the composition.
 */
final class ComposedFactory implements ObjectiveFactory {
    private final List<ObjectiveFactory> parts;

    ComposedFactory(ObjectiveFactory... parts) {
        this.parts = List.of(parts);
    }

    @Override
    public String name() {
        return String.join("-", parts.stream().map(ObjectiveFactory::name).toList());
    }

    @Override
    public String description() {
        return "composition of " + parts.stream().map(ObjectiveFactory::name).toList();
    }

    @Override
    public List<PropertySpec> properties() {
        List<PropertySpec> all = new ArrayList<>();
        for (ObjectiveFactory f : parts) {
            all.add(new PropertySpec(f.name() + ".weight", "1", "weight of " + f.name() + "'s loss"));
            for (PropertySpec p : f.properties()) {
                all.add(new PropertySpec(f.name() + "." + p.key(), p.defaultValue(), p.description()));
            }
        }
        return all;
    }

    @Override
    public Objective create(Map<String, String> properties, PluginLookup plugins) {
        Map<String, Map<String, String>> byPart = new LinkedHashMap<>();
        Map<String, Double> weights = new HashMap<>();
        for (ObjectiveFactory f : parts) {
            byPart.put(f.name(), new HashMap<>());
        }
        for (Map.Entry<String, String> e : properties.entrySet()) {
            int dot = e.getKey().indexOf('.');
            String part = dot < 0 ? null : e.getKey().substring(0, dot);
            if (part == null || !byPart.containsKey(part)) {
                throw new PluginException("Unknown property '" + e.getKey() + "' for objective " + name()
                        + ": give it as <objective>.<key>, one of " + byPart.keySet());
            }
            String key = e.getKey().substring(dot + 1);
            if (key.equals("weight")) {
                weights.put(part, Double.parseDouble(e.getValue()));
            } else {
                byPart.get(part).put(key, e.getValue());
            }
        }
        List<Objective> objectives = new ArrayList<>();
        for (ObjectiveFactory f : parts) {
            objectives.add(f.create(byPart.get(f.name()), plugins));
        }
        return Objectives.compose(objectives, weights);
    }
}

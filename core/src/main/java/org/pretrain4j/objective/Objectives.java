package org.pretrain4j.objective;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.pretrain4j.data.ExampleLayout;
import org.pretrain4j.spi.AttentionKind;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.spi.PluginException;

/** Builds one objective from several (BERT pre-training is {@code mlm+nsp}). */
public final class Objectives {
    private Objectives() {}

    /**
     * Composes objectives into one named by their names joined with '+'. {@code weights} maps a part's
     * name to the weight of its loss terms (default 1). Fails with a {@link PluginException} that says
     * why when the parts cannot work together: different attention, two different example layouts,
     * the same name or loss term twice, a weight for an unknown part or a weight that is not finite
     * and positive. A single part without weights is returned as it is.
     */
    public static Objective compose(List<Objective> parts, Map<String, Double> weights) {
        requireNonNull(parts, "parts is null");
        requireNonNull(weights, "weights is null");
        List<Objective> flat = new ArrayList<>();
        for (Objective part : parts) {
            requireNonNull(part, "a part is null");
            if (part instanceof CompositeObjective c) {
                flat.addAll(c.parts());
            } else {
                flat.add(part);
            }
        }
        if (flat.isEmpty()) {
            throw new PluginException("no objective given; name at least one, e.g. mlm or clm");
        }
        String name = String.join("+", flat.stream().map(Objective::name).toList());
        Set<String> names = new LinkedHashSet<>();
        for (Objective part : flat) {
            if (!names.add(part.name())) {
                throw new PluginException(name + ": objective '" + part.name() + "' is given twice");
            }
        }
        for (Map.Entry<String, Double> w : weights.entrySet()) {
            if (!names.contains(w.getKey())) {
                throw new PluginException(name + ": weight given for '" + w.getKey() + "', which is not one of " + names);
            }
            Double value = w.getValue();
            if (value == null || !(value > 0) || value.isInfinite()) {
                throw new PluginException(name + ": " + w.getKey() + ".weight must be a finite number > 0, got " + value);
            }
        }
        checkAttention(name, flat);
        Optional<Objective> layoutOwner = layoutOwner(name, flat);
        if (flat.size() == 1 && weights.isEmpty()) {
            return flat.get(0);
        }
        Map<String, Double> partWeights = new LinkedHashMap<>();
        for (Objective part : flat) {
            partWeights.put(part.name(), weights.getOrDefault(part.name(), 1.0));
        }
        List<Objective> ordered = new ArrayList<>();
        layoutOwner.ifPresent(ordered::add);
        for (Objective part : flat) {
            if (!ordered.contains(part)) {
                ordered.add(part);
            }
        }
        return new CompositeObjective(name, flat, ordered,
                layoutOwner.flatMap(Objective::layout).orElse(ExampleLayout.PACKED_BLOCKS), partWeights);
    }

    private static void checkAttention(String name, List<Objective> parts) {
        Objective first = parts.get(0);
        for (Objective part : parts) {
            if (part.attention() != first.attention()) {
                throw new PluginException(name + ": " + first.name() + " needs " + describe(first.attention())
                        + " attention, " + part.name() + " " + describe(part.attention())
                        + "; objectives trained together must share the attention");
            }
        }
    }

    private static Optional<Objective> layoutOwner(String name, List<Objective> parts) {
        Objective owner = null;
        for (Objective part : parts) {
            Optional<ExampleLayout> layout = part.layout();
            if (layout.isEmpty()) {
                continue;
            }
            if (owner == null) {
                owner = part;
            } else if (owner.layout().orElseThrow() != layout.get()) {
                throw new PluginException(name + ": " + owner.name() + " lays out " + describe(owner.layout().get())
                        + ", " + part.name() + " " + describe(layout.get())
                        + "; at most one kind of example layout can be trained at once");
            }
        }
        return Optional.ofNullable(owner);
    }

    private static String describe(AttentionKind kind) {
        return kind == AttentionKind.CAUSAL ? "causal" : "bidirectional";
    }

    private static String describe(ExampleLayout layout) {
        switch (layout) {
            case SENTENCE_PAIRS:
                return "sentence pairs (a random B half the time)";
            case CONSECUTIVE_PAIRS:
                return "consecutive sentence pairs";
            default:
                return "packed blocks";
        }
    }
}

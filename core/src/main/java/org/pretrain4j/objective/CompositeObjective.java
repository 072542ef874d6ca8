package org.pretrain4j.objective;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.pretrain4j.data.BatchBuilder;
import org.pretrain4j.data.ExampleFeatures;
import org.pretrain4j.data.ExampleLayout;
import org.pretrain4j.data.RandomSource;
import org.pretrain4j.graph.GraphException;
import org.pretrain4j.graph.Tensor;
import org.pretrain4j.spi.AttentionKind;
import org.pretrain4j.spi.LossTerm;
import org.pretrain4j.spi.ModelContext;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.text.Tokenizer;

/**
 * Several objectives trained as one, made by {@link Objectives#compose}. The part that lays out the
 * examples prepares them first, then the others decorate them; every part collates, adds its heads
 * and its loss terms (weighted by the part's weight); metrics go to the part that owns the term.
 */
public final class CompositeObjective implements Objective {
    private final String name;
    private final List<Objective> parts;
    private final List<Objective> preparationOrder;
    private final ExampleLayout layout;
    private final Map<String, Double> weights;
    /** Which part owns each loss term, learned when the loss is built (the same for every graph). */
    private final Map<String, Objective> termOwners = new ConcurrentHashMap<>();

    CompositeObjective(String name, List<Objective> parts, List<Objective> preparationOrder, ExampleLayout layout,
            Map<String, Double> weights) {
        this.name = name;
        this.parts = List.copyOf(parts);
        this.preparationOrder = List.copyOf(preparationOrder);
        this.layout = layout;
        this.weights = Collections.unmodifiableMap(new LinkedHashMap<>(weights));
    }

    /** The parts in the order they were given. */
    public List<Objective> parts() {
        return parts;
    }

    /** The weight of each part's loss terms, by part name. */
    public Map<String, Double> weights() {
        return weights;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public AttentionKind attention() {
        return parts.get(0).attention();
    }

    /** The layout of the part that lays out examples, or packed blocks when none does. */
    @Override
    public Optional<ExampleLayout> layout() {
        return Optional.of(layout);
    }

    @Override
    public void prepare(ExampleFeatures features, Tokenizer tokenizer, RandomSource random) {
        for (Objective part : preparationOrder) {
            part.prepare(features, tokenizer, random);
        }
    }

    @Override
    public void collate(List<ExampleFeatures> examples, int sequenceLength, BatchBuilder batch) {
        for (Objective part : preparationOrder) {
            part.collate(examples, sequenceLength, batch);
        }
    }

    @Override
    public List<LossTerm> buildLoss(ModelContext model) {
        List<LossTerm> terms = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Objective part : parts) {
            double weight = weights.get(part.name());
            for (LossTerm term : part.buildLoss(model)) {
                if (!seen.add(term.name())) {
                    throw new GraphException(name + ": loss term '" + term.name() + "' is built by two objectives");
                }
                termOwners.put(term.name(), part);
                terms.add(term.withWeight(term.weight() * weight));
            }
        }
        return terms;
    }

    @Override
    public Map<String, Tensor> buildInference(ModelContext model) {
        Map<String, Tensor> outputs = new LinkedHashMap<>();
        for (Objective part : parts) {
            for (Map.Entry<String, Tensor> e : part.buildInference(model).entrySet()) {
                if (outputs.putIfAbsent(e.getKey(), e.getValue()) != null) {
                    throw new GraphException(name + ": inference output '" + e.getKey() + "' is built by two objectives");
                }
            }
        }
        return outputs;
    }

    @Override
    public Map<String, Double> metrics(String term, Map<String, Double> sums) {
        Objective owner = termOwners.get(term);
        if (owner == null) {
            throw new IllegalArgumentException(name + ": no part owns loss term '" + term
                    + "' (known after the loss is built: " + termOwners.keySet() + ")");
        }
        return owner.metrics(term, sums);
    }

    @Override
    public Map<String, String> exportMetadata() {
        Map<String, String> merged = new LinkedHashMap<>();
        for (Objective part : parts) {
            for (Map.Entry<String, String> e : part.exportMetadata().entrySet()) {
                String previous = merged.putIfAbsent(e.getKey(), e.getValue());
                if (previous != null && !previous.equals(e.getValue())) {
                    throw new IllegalStateException(name + ": export metadata '" + e.getKey() + "' is '" + previous
                            + "' for one objective and '" + e.getValue() + "' for " + part.name());
                }
            }
        }
        return merged;
    }

    @Override
    public String toString() {
        return name + weights;
    }
}

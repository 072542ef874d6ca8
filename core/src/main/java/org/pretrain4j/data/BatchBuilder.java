package org.pretrain4j.data;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;
import org.pretrain4j.graph.HostTensor;

/** Collects a batch's inputs and target counts while objectives collate. Not thread-safe. */
public final class BatchBuilder {
    private final Map<String, HostTensor> inputs = new LinkedHashMap<>();
    private final Map<String, Long> counts = new LinkedHashMap<>();

    /** Adds a named input; a name given twice fails. */
    public BatchBuilder put(String name, HostTensor tensor) {
        if (inputs.putIfAbsent(requireNonNull(name, "name is null"), requireNonNull(tensor, "tensor is null")) != null) {
            throw new IllegalStateException("batch input '" + name + "' written twice");
        }
        return this;
    }

    /** Sets how many targets the loss term {@code term} has in this batch. */
    public BatchBuilder count(String term, long targets) {
        counts.put(requireNonNull(term, "term is null"), targets);
        return this;
    }

    /** The batch. */
    public Batch build(int examples, long tokens) {
        return new Batch(inputs, counts, examples, tokens);
    }
}

package org.pretrain4j.graph;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a backend compiles: named outputs, state updates, and the seed that initialises variables.
 * Inputs are the Input nodes the outputs and updates depend on; state is every Variable they depend on.
 */
public record Program(String name, Graph graph, Map<String, Tensor> outputs, List<StateUpdate> updates, long seed) {
    public Program {
        requireNonNull(name, "name is null");
        requireNonNull(graph, "graph is null");
        outputs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
        updates = List.copyOf(updates);
        for (Map.Entry<String, Tensor> e : outputs.entrySet()) {
            if (e.getValue().dtype() == DType.BOOL) {
                throw new GraphException("output '" + e.getKey() + "' is BOOL; cast it to INT64 or FLOAT32");
            }
        }
    }

    /** Every node the outputs and updates depend on, in topological order. */
    public List<Tensor> nodes() {
        Set<Integer> seen = new HashSet<>();
        List<Tensor> out = new ArrayList<>();
        ArrayList<Tensor> stack = new ArrayList<>(outputs.values());
        for (StateUpdate u : updates) {
            stack.add(u.next());
            stack.add(u.variable());
        }
        while (!stack.isEmpty()) {
            Tensor t = stack.remove(stack.size() - 1);
            if (seen.add(t.id())) {
                out.add(t);
                stack.addAll(t.inputs());
            }
        }
        out.sort(Comparator.comparingInt(Tensor::id));
        return out;
    }

    /** The Input nodes, in id order. */
    public List<Tensor> inputs() {
        return nodes().stream().filter(t -> t.op() instanceof Op.Input).toList();
    }

    /** The Variable nodes, in id order. */
    public List<Tensor> variables() {
        return nodes().stream().filter(t -> t.op() instanceof Op.Variable).toList();
    }
}

package org.pretrain4j.graph;

import java.util.List;

/** A symbolic value: the single output of one node of a {@link Graph}. Immutable; identity is the node. */
public final class Tensor {
    private final Graph graph;
    private final int id;
    private final Op op;
    private final List<Tensor> inputs;
    private final DType dtype;
    private final Shape shape;

    Tensor(Graph graph, int id, Op op, List<Tensor> inputs, DType dtype, Shape shape) {
        this.graph = graph;
        this.id = id;
        this.op = op;
        this.inputs = List.copyOf(inputs);
        this.dtype = dtype;
        this.shape = shape;
    }

    public Graph graph() {
        return graph;
    }

    /** Position in the graph; inputs always have smaller ids (creation order is a topological order). */
    public int id() {
        return id;
    }

    public Op op() {
        return op;
    }

    public List<Tensor> inputs() {
        return inputs;
    }

    public DType dtype() {
        return dtype;
    }

    public Shape shape() {
        return shape;
    }

    public int rank() {
        return shape.rank();
    }

    /** The name of an Input or Variable, else null. */
    public String name() {
        if (op instanceof Op.Input in) {
            return in.name();
        }
        if (op instanceof Op.Variable v) {
            return v.name();
        }
        return null;
    }

    @Override
    public String toString() {
        String n = name();
        return "%" + id + (n != null ? "(" + n + ")" : "") + " " + op.getClass().getSimpleName() + " " + dtype + shape;
    }
}

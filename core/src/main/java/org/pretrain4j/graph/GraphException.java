package org.pretrain4j.graph;

/** A graph that cannot be built: wrong shapes or types, named by op. */
public final class GraphException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public GraphException(String message) {
        super(message);
    }
}

package org.pretrain4j.graph;

import static java.util.Objects.requireNonNull;

/**
 * One dimension of a shape: a fixed size, or a symbol such as {@code batch_size} whose size is
 * known only when the graph runs. Derived symbolic dims (a reshape that merges batch and
 * sequence) get a derived name such as {@code batch_size*sequence_length}.
 *
 * <p>Shape checking is exact for fixed dims. Two different symbols are allowed to meet (the
 * graph cannot prove they differ); the backend checks them when it runs.
 */
public record Dim(long size, String symbol) {
    public Dim {
        if (symbol == null && size < 0) {
            throw new IllegalArgumentException("negative dim " + size);
        }
        if (symbol != null && symbol.isBlank()) {
            throw new IllegalArgumentException("blank dim symbol");
        }
    }

    /** A fixed dim. */
    public static Dim of(long size) {
        return new Dim(size, null);
    }

    /** A symbolic dim. */
    public static Dim symbol(String name) {
        return new Dim(-1, requireNonNull(name, "name is null"));
    }

    /** True for a fixed size. */
    public boolean isFixed() {
        return symbol == null;
    }

    /** The fixed size; throws IllegalStateException for a symbolic dim. */
    public long fixedSize() {
        if (symbol != null) {
            throw new IllegalStateException("dim '" + symbol + "' is symbolic");
        }
        return size;
    }

    @Override
    public String toString() {
        return symbol == null ? Long.toString(size) : symbol;
    }
}

package org.pretrain4j.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The shape of a tensor: a list of dims; rank 0 is a scalar. Immutable. */
public record Shape(List<Dim> dims) {
    public Shape {
        dims = List.copyOf(dims);
    }

    /** The scalar shape. */
    public static Shape scalar() {
        return new Shape(List.of());
    }

    /** A shape from dims given as Long (fixed), Integer (fixed) or String (symbolic). */
    public static Shape of(Object... dims) {
        List<Dim> list = new ArrayList<>();
        for (Object d : dims) {
            if (d instanceof Dim dim) {
                list.add(dim);
            } else if (d instanceof Number n) {
                list.add(Dim.of(n.longValue()));
            } else if (d instanceof String s) {
                list.add(Dim.symbol(s));
            } else {
                throw new IllegalArgumentException("not a dim: " + d);
            }
        }
        return new Shape(list);
    }

    /** A fully fixed shape. */
    public static Shape fixed(long... sizes) {
        return new Shape(Arrays.stream(sizes).mapToObj(Dim::of).toList());
    }

    public int rank() {
        return dims.size();
    }

    /** Dim at an axis; negative axes count from the end. */
    public Dim dim(int axis) {
        return dims.get(normalizeAxis(axis));
    }

    /** Turns a negative axis into a positive one; throws if out of range. */
    public int normalizeAxis(int axis) {
        int a = axis < 0 ? axis + rank() : axis;
        if (a < 0 || a >= rank()) {
            throw new IllegalArgumentException("axis " + axis + " out of range for shape " + this);
        }
        return a;
    }

    /** True when every dim is fixed. */
    public boolean isFixed() {
        return dims.stream().allMatch(Dim::isFixed);
    }

    /** Number of elements; throws for a symbolic shape. */
    public long elementCount() {
        long n = 1;
        for (Dim d : dims) {
            n *= d.fixedSize();
        }
        return n;
    }

    /** The fixed sizes; throws for a symbolic shape. */
    public long[] fixedSizes() {
        return dims.stream().mapToLong(Dim::fixedSize).toArray();
    }

    @Override
    public String toString() {
        return dims.toString();
    }
}

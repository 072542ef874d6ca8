package org.pretrain4j.graph;

import java.util.Arrays;

/**
 * A tensor in Java memory: FLOAT32 in a float array or INT64 in a long array, row-major.
 * The arrays are shared, not copied: the creator hands them over.
 */
public final class HostTensor {
    private final DType dtype;
    private final long[] shape;
    private final float[] floats;
    private final long[] longs;

    private HostTensor(DType dtype, long[] shape, float[] floats, long[] longs) {
        this.dtype = dtype;
        this.shape = shape.clone();
        this.floats = floats;
        this.longs = longs;
        long n = elementCount(shape);
        long actual = floats != null ? floats.length : longs.length;
        if (n != actual) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n + " elements, got " + actual);
        }
    }

    public static HostTensor ofFloats(long[] shape, float[] data) {
        return new HostTensor(DType.FLOAT32, shape, data, null);
    }

    public static HostTensor ofLongs(long[] shape, long[] data) {
        return new HostTensor(DType.INT64, shape, null, data);
    }

    public static HostTensor scalar(float value) {
        return ofFloats(new long[0], new float[] {value});
    }

    public static HostTensor scalar(long value) {
        return ofLongs(new long[0], new long[] {value});
    }

    public DType dtype() {
        return dtype;
    }

    /** A copy of the shape. */
    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public long dim(int axis) {
        return shape[axis];
    }

    public int size() {
        return floats != null ? floats.length : longs.length;
    }

    /** The float data (shared); throws for INT64. */
    public float[] floats() {
        if (floats == null) {
            throw new IllegalStateException("tensor is " + dtype + ", not FLOAT32");
        }
        return floats;
    }

    /** The int64 data (shared); throws for FLOAT32. */
    public long[] longs() {
        if (longs == null) {
            throw new IllegalStateException("tensor is " + dtype + ", not INT64");
        }
        return longs;
    }

    /** The single value of a scalar (or one-element) float tensor. */
    public float floatValue() {
        if (floats().length != 1) {
            throw new IllegalStateException("not a scalar: " + Arrays.toString(shape));
        }
        return floats[0];
    }

    /** Number of elements of a shape. */
    public static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    @Override
    public String toString() {
        return "HostTensor[" + dtype + " " + Arrays.toString(shape) + "]";
    }
}

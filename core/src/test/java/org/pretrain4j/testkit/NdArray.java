package org.pretrain4j.testkit;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import org.pretrain4j.graph.DType;
import org.pretrain4j.graph.HostTensor;

/**
 * A value of the reference interpreter: FLOAT32 tensors held in float64 ({@link #doubles()}),
 * INT64 and BOOL (0 or 1) in a long array ({@link #longs()}), row-major. Arrays are shared, not copied.
 */
public final class NdArray {
    private final DType dtype;
    private final long[] shape;
    private final double[] doubles;
    private final long[] longs;

    private NdArray(DType dtype, long[] shape, double[] doubles, long[] longs) {
        this.dtype = requireNonNull(dtype, "dtype is null");
        this.shape = shape.clone();
        this.doubles = doubles;
        this.longs = longs;
        long n = HostTensor.elementCount(shape);
        long actual = doubles != null ? doubles.length : longs.length;
        if (n != actual) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n + " elements, got " + actual);
        }
    }

    /** A FLOAT32 tensor computed in float64. */
    public static NdArray ofDoubles(long[] shape, double[] values) {
        return new NdArray(DType.FLOAT32, shape, requireNonNull(values, "values is null"), null);
    }

    public static NdArray ofLongs(long[] shape, long[] values) {
        return new NdArray(DType.INT64, shape, null, requireNonNull(values, "values is null"));
    }

    /** A BOOL tensor; values are 0 or 1. */
    public static NdArray ofBools(long[] shape, long[] values) {
        return new NdArray(DType.BOOL, shape, null, requireNonNull(values, "values is null"));
    }

    public static NdArray scalar(double value) {
        return ofDoubles(new long[0], new double[] {value});
    }

    /** Widens a host tensor (FLOAT32 to float64). */
    public static NdArray of(HostTensor host) {
        if (host.dtype() == DType.FLOAT32) {
            float[] f = host.floats();
            double[] d = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                d[i] = f[i];
            }
            return ofDoubles(host.shape(), d);
        }
        return ofLongs(host.shape(), host.longs().clone());
    }

    /** Narrows to a host tensor (float64 to float32); BOOL becomes INT64. */
    public HostTensor toHost() {
        if (dtype == DType.FLOAT32) {
            float[] f = new float[doubles.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) doubles[i];
            }
            return HostTensor.ofFloats(shape, f);
        }
        return HostTensor.ofLongs(shape, longs.clone());
    }

    public DType dtype() {
        return dtype;
    }

    /** A copy of the shape. */
    public long[] shape() {
        return shape.clone();
    }

    long[] shapeRef() {
        return shape;
    }

    public int rank() {
        return shape.length;
    }

    public int size() {
        return doubles != null ? doubles.length : longs.length;
    }

    /** The float64 values (shared); throws unless FLOAT32. */
    public double[] doubles() {
        if (doubles == null) {
            throw new IllegalStateException("value is " + dtype + ", not FLOAT32");
        }
        return doubles;
    }

    /** The int64 or bool values (shared); throws for FLOAT32. */
    public long[] longs() {
        if (longs == null) {
            throw new IllegalStateException("value is FLOAT32, not " + dtype);
        }
        return longs;
    }

    /** The single value of a one-element FLOAT32 tensor. */
    public double doubleValue() {
        if (doubles().length != 1) {
            throw new IllegalStateException("not a scalar: " + Arrays.toString(shape));
        }
        return doubles[0];
    }

    /** A deep copy. */
    public NdArray copy() {
        return new NdArray(dtype, shape, doubles == null ? null : doubles.clone(), longs == null ? null : longs.clone());
    }

    @Override
    public String toString() {
        return "NdArray[" + dtype + " " + Arrays.toString(shape) + "]";
    }
}

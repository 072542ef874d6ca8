package org.pretrain4j.graph;

/**
 * The counter-based hash behind {@link Op.Dropout}: Chris Wellons' {@code triple32} integer mixer
 * (three xor-shift-multiply rounds on 32 bits, public domain constants) over the element index plus
 * a key drawn from (seed, salt). Element {@code i} is kept when {@code hash(i, key) >>> 1} is at
 * least {@link #threshold(double)}, so the keep rate is {@code 1 - threshold / 2^31}.
 *
 * <p>Every step is 32-bit integer arithmetic, so {@link #scaledMask} compiles to vector
 * instructions: about 1 ns per element on one core, against 9 ns for the modular-squaring hash it
 * replaced. Over a 2^22-element mask the lag-1, 2, 64, 128 and 4096 autocorrelations and the
 * correlation between consecutive seeds stay within 2.5 standard errors of zero
 * ({@code DropoutTest}).
 */
public final class DropoutHash {
    /** 2^31: keep decisions compare the hash's top 31 bits against a threshold below this. */
    public static final long SCALE = 1L << 31;

    private DropoutHash() {}

    /** Wellons' triple32 mixer, a bijection of the 32-bit integers. */
    public static int mix(int h) {
        h ^= h >>> 17;
        h *= 0xED5AD4BB;
        h ^= h >>> 11;
        h *= 0xAC4C1B51;
        h ^= h >>> 15;
        h *= 0x31848BAB;
        h ^= h >>> 14;
        return h;
    }

    /** The key of one dropout site at one step: seed in [0, 2^31), salt in [0, 2^20). */
    public static int key(long seed, long salt) {
        if (seed < 0 || seed >= SCALE) {
            throw new IllegalArgumentException("dropout seed must be in [0, 2^31): " + seed);
        }
        if (salt < 0 || salt >= 1 << 20) {
            throw new IllegalArgumentException("dropout salt must be in [0, 2^20): " + salt);
        }
        return mix((int) salt + mix((int) seed));
    }

    /** The hash of element {@code index} (row-major, 0 &lt;= index &lt; 2^31) under {@code key}. */
    public static int hash(long index, int key) {
        return mix((int) index + key);
    }

    /** Elements whose hash's top 31 bits are at or above this are kept: {@code ceil(rate * 2^31)}. */
    public static long threshold(double rate) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("dropout rate must be in [0, 1): " + rate);
        }
        return (long) Math.ceil(rate * SCALE);
    }

    /** Whether element {@code index} is kept under {@code key} and {@code threshold}. */
    public static boolean keep(long index, int key, long threshold) {
        return (hash(index, key) >>> 1) >= threshold;
    }

    /**
     * Writes the scaled keep mask ({@code scale} kept, 0 dropped) of elements {@code first ..
     * first + length - 1} into {@code out[offset ..]}: the factor inverted dropout multiplies by.
     * The same decisions as {@link #keep}, in a loop the JIT vectorises.
     */
    public static void scaledMask(int key, long threshold, float scale, long first, float[] out, int offset, int length) {
        if (first < 0 || first + length > SCALE) {
            throw new IllegalArgumentException("dropout indices must lie in [0, 2^31): " + first + " + " + length);
        }
        if (threshold >= SCALE) {
            java.util.Arrays.fill(out, offset, offset + length, 0f);
            return;
        }
        int t = (int) threshold;
        int base = (int) first + key;
        for (int i = 0; i < length; i++) {
            int h = mix(base + i);
            // (h >>> 1) >= t, branch-free: the sign of t - 1 - (h >>> 1) (both below 2^31).
            out[offset + i] = ((t - 1 - (h >>> 1)) >>> 31) * scale;
        }
    }
}

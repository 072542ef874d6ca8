package org.pretrain4j.graph;

/**
 * The counter-based hash behind {@link Op.Dropout}, defined with int64 arithmetic only (every
 * product stays below 2^62) so that the interpreter and every backend draw identical masks.
 */
public final class DropoutHash {
    /** The modulus, 2^31 - 1. */
    public static final long P = 2147483647L;
    /** Round constants, in order: (mul, add) pairs for the affine rounds, add for the squaring rounds. */
    public static final long SEED_MUL = 7919L;
    public static final long SALT_MUL = 104729L;
    public static final long A1 = 48271L;
    public static final long C1 = 12345L;
    public static final long S1 = 0x2545F491L;
    public static final long A2 = 69621L;
    public static final long C2 = 1013904223L;
    public static final long S2 = 0x6C078965L;

    private DropoutHash() {}

    /**
     * Hash of element {@code index} (0 &lt;= index &lt; 2^31) for a seed (0 &lt;= seed &lt; 2^31) and salt (0 &lt;= salt &lt; 2^20):
     * <pre>
     * h = (index + seed*SEED_MUL + salt*SALT_MUL) mod P
     * h = (h*A1 + C1) mod P;  h = (h*h + S1) mod P
     * h = (h*A2 + C2) mod P;  h = (h*h + S2) mod P
     * </pre>
     */
    public static long hash(long index, long seed, long salt) {
        long h = Math.floorMod(index + seed * SEED_MUL + salt * SALT_MUL, P);
        h = (h * A1 + C1) % P;
        h = (h * h + S1) % P;
        h = (h * A2 + C2) % P;
        h = (h * h + S2) % P;
        return h;
    }

    /** Elements with hash at or above this are kept: {@code ceil(rate * P)}. */
    public static long threshold(double rate) {
        return (long) Math.ceil(rate * P);
    }
}

package org.pretrain4j.data;

/**
 * Counter-based random numbers keyed by (seed, epoch, example index, stream), so that the same
 * key gives the same draws on any thread, after a resume and on any backend.
 *
 * <p>Instances are cheap, not thread-safe, and independent: two sources with different keys share
 * no state. The generator is SplitMix64 started from a mix of the key.
 */
public final class RandomSource {
    private long state;

    private RandomSource(long state) {
        this.state = state;
    }

    /** Returns the source for one example of one epoch of a run. */
    public static RandomSource of(long seed, long epoch, long exampleIndex) {
        return new RandomSource(mix(mix(mix(seed) ^ epoch) ^ exampleIndex));
    }

    /** Returns an independent source for a named purpose (e.g. "mask", "pairs"), leaving this one unchanged. */
    public RandomSource fork(String purpose) {
        long h = 1125899906842597L;
        for (int i = 0; i < purpose.length(); i++) {
            h = 31 * h + purpose.charAt(i);
        }
        return new RandomSource(mix(state ^ mix(h)));
    }

    /** Returns the next 64 random bits. */
    public long nextLong() {
        state += 0x9E3779B97F4A7C15L;
        return mix(state);
    }

    /** Returns a uniform double in [0, 1). */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Returns a uniform int in [0, bound); bound must be positive. */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive: " + bound);
        }
        // Lemire's multiply-shift with rejection: unbiased.
        long m = (nextLong() >>> 33) * bound;
        long low = m & 0x7FFFFFFFL;
        if (low < bound) {
            long threshold = (0x80000000L - bound) % bound;
            while (low < threshold) {
                m = (nextLong() >>> 33) * bound;
                low = m & 0x7FFFFFFFL;
            }
        }
        return (int) (m >>> 31);
    }

    /** Returns a uniform int in [from, to); requires from &lt; to. */
    public int nextInt(int from, int to) {
        return from + nextInt(to - from);
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}

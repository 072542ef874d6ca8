package org.pretrain4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pretrain4j.graph.DType;
import org.pretrain4j.graph.DropoutHash;
import org.pretrain4j.graph.Graph;
import org.pretrain4j.graph.Shape;
import org.pretrain4j.graph.Tensor;

/** The interpreter's dropout: the DropoutHash mask, its keep rate, and its dependence on seed and salt. */
final class DropoutTest {
    private static final int ROWS = 200;
    private static final int COLS = 500;

    private static double[] dropout(long seed, double rate, long salt) {
        Graph g = new Graph();
        Tensor x = g.input("x", DType.FLOAT32, Shape.fixed(ROWS, COLS));
        Tensor s = g.input("seed", DType.INT64, Shape.scalar());
        Tensor y = g.dropout(x, s, rate, salt);
        double[] ones = new double[ROWS * COLS];
        java.util.Arrays.fill(ones, 1.0);
        Map<String, NdArray> in = Map.of("x", NdArray.ofDoubles(new long[] {ROWS, COLS}, ones),
                "seed", NdArray.ofLongs(new long[0], new long[] {seed}));
        return new ReferenceInterpreter(in, Map.of()).evaluate(y).doubles();
    }

    @Test
    void keepsAboutOneMinusRateScaledUp() {
        for (double rate : new double[] {0.1, 0.5}) {
            double[] y = dropout(123, rate, 3);
            int kept = 0;
            for (double v : y) {
                if (v != 0) {
                    kept++;
                    assertThat(v).isEqualTo(1 / (1 - rate));
                }
            }
            int n = y.length;
            // Binomial(n, 1 - rate): five standard deviations.
            double tolerance = 5 * Math.sqrt(n * rate * (1 - rate));
            assertThat((double) kept).isCloseTo(n * (1 - rate), org.assertj.core.api.Assertions.within(tolerance));
        }
    }

    @Test
    void maskIsTheHashOfTheRowMajorIndex() {
        double rate = 0.3;
        double[] y = dropout(77, rate, 5);
        long threshold = DropoutHash.threshold(rate);
        int key = DropoutHash.key(77, 5);
        for (int row = 0; row < ROWS; row += 37) {
            for (int col = 0; col < COLS; col += 11) {
                int index = row * COLS + col;
                boolean keep = DropoutHash.keep(index, key, threshold);
                assertThat(y[index] != 0).as("element (%d, %d)", row, col).isEqualTo(keep);
            }
        }
    }

    @Test
    void sameSeedSameMaskOtherSeedOrSaltOtherMask() {
        double rate = 0.2;
        double[] a = dropout(1000, rate, 1);
        assertThat(dropout(1000, rate, 1)).containsExactly(a);
        // Independent masks disagree on a fraction 2 p (1 - p) = 0.32 of elements.
        double expected = 2 * rate * (1 - rate);
        double tolerance = 5 * Math.sqrt(expected * (1 - expected) / a.length);
        assertThat(disagreement(a, dropout(1001, rate, 1))).isCloseTo(expected, org.assertj.core.api.Assertions.within(tolerance));
        assertThat(disagreement(a, dropout(1000, rate, 2))).isCloseTo(expected, org.assertj.core.api.Assertions.within(tolerance));
    }

    @Test
    void bulkMaskEqualsTheElementwiseDefinition() {
        // Scale 1: the bulk mask holds 1 for kept elements and 0 for dropped ones.
        for (double rate : new double[] {0, 0.1, 0.5, 0.999_999_999}) {
            long threshold = DropoutHash.threshold(rate);
            for (long[] seedSalt : new long[][] {{0, 0}, {1, 1}, {2_000_000_011L, 12_345}, {(1L << 31) - 1, (1 << 20) - 1}}) {
                int key = DropoutHash.key(seedSalt[0], seedSalt[1]);
                for (long first : new long[] {0, 1_000_003, (1L << 31) - 4096}) {
                    float[] mask = new float[4096 + 3];
                    DropoutHash.scaledMask(key, threshold, 1f, first, mask, 3, 4096);
                    for (int i = 0; i < 4096; i++) {
                        assertThat(mask[3 + i] == 1).as("rate %s seed %s index %d", rate, seedSalt[0], first + i)
                                .isEqualTo(DropoutHash.keep(first + i, key, threshold));
                    }
                    assertThat(new float[] {mask[0], mask[1], mask[2]}).containsOnly(0f);
                }
            }
        }
    }

    /**
     * The mask behaves as independent draws: over 2^22 elements at rate 0.1, the autocorrelation at
     * lags 1, 2, 64, 128 and 4096 and the correlation between consecutive seeds and salts are all
     * within 5 standard errors (1 / sqrt(n)) of zero, and the 256 patterns of 8 consecutive flags
     * pass a chi-square test at the 99.99% level.
     */
    @Test
    void masksLookLikeIndependentDraws() {
        int n = 1 << 22;
        double rate = 0.1;
        long threshold = DropoutHash.threshold(rate);
        float[] a = new float[n];
        float[] nextSeed = new float[n];
        float[] nextSalt = new float[n];
        DropoutHash.scaledMask(DropoutHash.key(1_234_567, 42), threshold, 1f, 0, a, 0, n);
        DropoutHash.scaledMask(DropoutHash.key(1_234_568, 42), threshold, 1f, 0, nextSeed, 0, n);
        DropoutHash.scaledMask(DropoutHash.key(1_234_567, 43), threshold, 1f, 0, nextSalt, 0, n);
        double p = 1 - rate;
        double se = 1 / Math.sqrt(n);
        for (int lag : new int[] {1, 2, 64, 128, 4096}) {
            assertThat(correlation(a, 0, a, lag, n - lag, p)).as("lag %d", lag).isCloseTo(0, org.assertj.core.api.Assertions.within(5 * se));
        }
        assertThat(correlation(a, 0, nextSeed, 0, n, p)).as("next seed").isCloseTo(0, org.assertj.core.api.Assertions.within(5 * se));
        assertThat(correlation(a, 0, nextSalt, 0, n, p)).as("next salt").isCloseTo(0, org.assertj.core.api.Assertions.within(5 * se));
        long[] patterns = new long[256];
        for (int i = 0; i + 8 <= n; i += 8) {
            int m = 0;
            for (int j = 0; j < 8; j++) {
                m = 2 * m + (int) a[i + j];
            }
            patterns[m]++;
        }
        double chi2 = 0;
        for (int m = 0; m < 256; m++) {
            int kept = Integer.bitCount(m);
            double expected = n / 8.0 * Math.pow(p, kept) * Math.pow(1 - p, 8 - kept);
            chi2 += (patterns[m] - expected) * (patterns[m] - expected) / expected;
        }
        // The 99.99% quantile of chi-square with 255 degrees of freedom is about 351.
        assertThat(chi2).isLessThan(351);
    }

    private static double correlation(float[] x, int xFrom, float[] y, int yFrom, int count, double p) {
        double sum = 0;
        for (int i = 0; i < count; i++) {
            sum += (x[xFrom + i] - p) * (y[yFrom + i] - p);
        }
        return sum / (count * p * (1 - p));
    }

    private static double disagreement(double[] a, double[] b) {
        int differ = 0;
        for (int i = 0; i < a.length; i++) {
            if ((a[i] == 0) != (b[i] == 0)) {
                differ++;
            }
        }
        return differ / (double) a.length;
    }
}

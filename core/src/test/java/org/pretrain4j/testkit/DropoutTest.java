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
        for (int row = 0; row < ROWS; row += 37) {
            for (int col = 0; col < COLS; col += 11) {
                int index = row * COLS + col;
                boolean keep = DropoutHash.hash(index, 77, 5) >= threshold;
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

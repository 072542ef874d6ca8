package org.pretrain4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pretrain4j.graph.DType;
import org.pretrain4j.graph.Graph;
import org.pretrain4j.graph.Shape;
import org.pretrain4j.graph.Tensor;

/** The checker finds wrong gradients, passes right ones, and is fast enough for a whole small model. */
final class GradientCheckerTest {
    @Test
    void findsAWrongGradient() {
        Graph g = new Graph();
        Tensor w = g.input("w", DType.FLOAT32, Shape.fixed(3));
        Tensor x = g.input("x", DType.FLOAT32, Shape.fixed(3));
        Tensor loss = g.sumAll(g.mul(g.mul(w, w), x));
        Map<String, NdArray> in = Map.of("w", NdArray.ofDoubles(new long[] {3}, new double[] {0.5, -1, 2}),
                "x", NdArray.ofDoubles(new long[] {3}, new double[] {1, 2, -3}));
        // The true gradient is 2 w x; w x is off by a factor of two.
        GradientChecker.Report wrong = GradientChecker.check(loss, List.of(w), List.of(g.mul(w, x)), in, 1, 100);
        assertThat(wrong.maxRelativeError()).isCloseTo(0.5, org.assertj.core.api.Assertions.within(1e-6));
        GradientChecker.Report right = GradientChecker.check(loss, List.of(w), List.of(g.mul(g.mul(w, x), g.scalar(2))), in, 1, 100);
        assertThat(right.maxRelativeError()).isLessThan(1e-8);
        assertThat(right.elementsChecked()).isEqualTo(3);
    }

    @Test
    void usesGivenVariableValues() {
        Graph g = new Graph();
        Tensor w = g.weight("w", Shape.fixed(2), org.pretrain4j.graph.Init.zeros());
        // relu-like max(w, 0): the check is exact away from 0 and the given values pick the side.
        Tensor loss = g.sumAll(g.mul(g.max(w, g.scalar(0)), g.scalar(3)));
        GradientChecker.Report r = GradientChecker.check(loss, List.of(w), Map.of(),
                Map.of("w", NdArray.ofDoubles(new long[] {2}, new double[] {0.5, -0.5})), 1, 10);
        assertThat(r.maxRelativeError()).isLessThan(1e-8);
        assertThatThrownBy(() -> GradientChecker.check(loss, List.of(w), Map.of(),
                Map.of("w", NdArray.ofDoubles(new long[] {3}, new double[3])), 1, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'w'");
    }

    @Test
    void samplesElementsWhenAsked() {
        TinyNetwork net = new TinyNetwork(false, 0.1);
        GradientChecker.Report report = GradientChecker.check(net.loss, net.parameters(),
                ReferenceInterpreter.widen(TinyNetwork.batch()), 3, 5);
        assertThat(report.elementsChecked()).isEqualTo(5 * net.parameters().size() - countSmall(net.parameters(), 5));
        assertThat(report.maxRelativeError()).as(report.where()).isLessThanOrEqualTo(1e-6);
    }

    private static int countSmall(List<Tensor> params, int max) {
        int missing = 0;
        for (Tensor p : params) {
            missing += Math.max(0, max - (int) p.shape().elementCount());
        }
        return missing;
    }

    @Test
    void everyParameterOfATinyEncoderAndDecoder() {
        for (boolean causal : new boolean[] {false, true}) {
            TinyNetwork net = new TinyNetwork(causal, 0.1);
            long parameters = net.parameters().stream().mapToLong(t -> t.shape().elementCount()).sum();
            assertThat(parameters).isBetween(1500L, 3000L);
            long start = System.nanoTime();
            double error = GradientChecker.maxRelativeError(net.loss, net.parameters(), TinyNetwork.batch(), 11);
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(error).as(causal ? "decoder" : "encoder").isLessThanOrEqualTo(1e-6);
            // A budget, not a benchmark: all ~2k elements on a shared 2-core machine.
            assertThat(seconds).isLessThan(30);
        }
    }
}

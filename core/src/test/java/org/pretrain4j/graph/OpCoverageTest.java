package org.pretrain4j.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A new op must be sorted here: differentiable ones need an Autodiff rule and a case in
 * {@link OpGradientTest}; the rest stop gradients. The reference interpreter must run all of them.
 */
final class OpCoverageTest {
    private static final Set<String> DIFFERENTIABLE = Set.of("Unary", "Binary", "Where", "Cast", "MatMul", "Transpose",
            "Reshape", "ReshapeLike", "Unsqueeze", "Squeeze", "Slice", "Concat", "Split", "Reduce", "Softmax", "LogSoftmax",
            "LayerNorm", "InvStdDev", "Gather", "ScatterAddRows", "TakeAlongLastAxis", "PutAlongLastAxis", "AddAlongLastAxis", "Expand", "Dropout");
    private static final Set<String> LEAVES_AND_STOPS = Set.of("Input", "Variable", "Constant", "Compare", "Logical",
            "ArgMax", "Arange");

    @Test
    void everyOpIsSorted() {
        Set<String> ops = Arrays.stream(Op.class.getPermittedSubclasses()).map(Class::getSimpleName).collect(Collectors.toSet());
        Set<String> sorted = new java.util.HashSet<>(DIFFERENTIABLE);
        sorted.addAll(LEAVES_AND_STOPS);
        assertThat(ops).isEqualTo(sorted);
    }

    @Test
    void reshapeLikeRunsAndDifferentiates() {
        Graph g = new Graph();
        Tensor x = g.input("x", DType.FLOAT32, Shape.of("batch", 6));
        Tensor like = g.input("like", DType.FLOAT32, Shape.of("batch", 2, 3));
        Tensor y = g.reshapeLike(x, like);
        assertThat(y.shape()).isEqualTo(like.shape());
        Tensor loss = g.sumAll(g.mul(y, y));
        java.util.Map<String, org.pretrain4j.testkit.NdArray> in = java.util.Map.of(
                "x", org.pretrain4j.testkit.NdArray.ofDoubles(new long[] {2, 6}, new double[] {1, 2, 3, 4, 5, 6, -1, -2, -3, -4, -5, -6}),
                "like", org.pretrain4j.testkit.NdArray.ofDoubles(new long[] {2, 2, 3}, new double[12]));
        org.pretrain4j.testkit.GradientChecker.Report r = org.pretrain4j.testkit.GradientChecker.check(loss, java.util.List.of(x), in, 1, 100);
        assertThat(r.maxRelativeError()).as(r.where()).isLessThanOrEqualTo(1e-6);
    }
}

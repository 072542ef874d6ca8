package org.pretrain4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pretrain4j.graph.DType;
import org.pretrain4j.graph.Graph;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.graph.Op;
import org.pretrain4j.graph.Shape;
import org.pretrain4j.graph.Tensor;

/** Forward semantics of the interpreter on small cases worked out by hand. */
final class ReferenceInterpreterTest {
    private final Graph g = new Graph();
    private final Map<String, NdArray> inputs = new LinkedHashMap<>();

    private Tensor in(String name, long[] shape, double... values) {
        inputs.put(name, NdArray.ofDoubles(shape, values));
        return g.input(name, DType.FLOAT32, Shape.fixed(shape));
    }

    private Tensor ids(String name, long[] shape, long... values) {
        inputs.put(name, NdArray.ofLongs(shape, values));
        return g.input(name, DType.INT64, Shape.fixed(shape));
    }

    private NdArray eval(Tensor t) {
        return new ReferenceInterpreter(inputs, Map.of()).evaluate(t);
    }

    private double[] doubles(Tensor t) {
        return eval(t).doubles();
    }

    private static long[] s(long... dims) {
        return dims;
    }

    @Test
    void broadcastingArithmetic() {
        Tensor a = in("a", s(2, 3), 1, 2, 3, 4, 5, 6);
        Tensor b = in("b", s(3), 10, 20, 30);
        Tensor c = in("c", s(2, 1), 2, 4);
        assertThat(doubles(g.add(a, b))).containsExactly(11, 22, 33, 14, 25, 36);
        assertThat(doubles(g.sub(a, c))).containsExactly(-1, 0, 1, 0, 1, 2);
        assertThat(doubles(g.div(a, c))).containsExactly(0.5, 1, 1.5, 1, 1.25, 1.5);
        assertThat(doubles(g.max(a, g.scalar(3.5)))).containsExactly(3.5, 3.5, 3.5, 4, 5, 6);
        assertThat(doubles(g.min(b, c))).containsExactly(2, 2, 2, 4, 4, 4);
        assertThat(eval(g.mul(c, b)).shape()).containsExactly(2, 3);
    }

    @Test
    void matmulBatchedAndBroadcast() {
        Tensor a = in("a", s(2, 3), 1, 2, 3, 4, 5, 6);
        Tensor b = in("b", s(3, 2), 7, 8, 9, 10, 11, 12);
        // [1 2 3; 4 5 6] x [7 8; 9 10; 11 12] = [58 64; 139 154]
        assertThat(doubles(g.matmul(a, b))).containsExactly(58, 64, 139, 154);
        Tensor batch = in("batch", s(2, 1, 3), 1, 0, 0, 0, 0, 1);
        NdArray r = eval(g.matmul(batch, b));
        assertThat(r.shape()).containsExactly(2, 1, 2);
        assertThat(r.doubles()).containsExactly(7, 8, 11, 12);
    }

    @Test
    void layoutOps() {
        Tensor x = in("x", s(2, 3), 1, 2, 3, 4, 5, 6);
        assertThat(doubles(g.transpose(x, 1, 0))).containsExactly(1, 4, 2, 5, 3, 6);
        NdArray r = eval(g.reshape(x, 0, -1, 1));
        assertThat(r.shape()).containsExactly(2, 3, 1);
        assertThat(eval(g.unsqueeze(x, 0, 3)).shape()).containsExactly(1, 2, 3, 1);
        assertThat(eval(g.squeeze(g.unsqueeze(x, 1), 1)).shape()).containsExactly(2, 3);
        assertThat(doubles(g.slice(x, 1, 1, Long.MAX_VALUE))).containsExactly(2, 3, 5, 6);
        assertThat(doubles(g.slice(x, 1, -2, -1))).containsExactly(2, 5);
        assertThat(doubles(g.concat(1, x, g.slice(x, 1, 0, 1)))).containsExactly(1, 2, 3, 1, 4, 5, 6, 4);
        assertThat(doubles(g.concat(0, g.slice(x, 0, 1, 2), x))).containsExactly(4, 5, 6, 1, 2, 3, 4, 5, 6);
        Tensor like = in("like", s(3, 2), 0, 0, 0, 0, 0, 0);
        NdArray rl = eval(g.reshapeLike(x, like));
        assertThat(rl.shape()).containsExactly(3, 2);
        assertThat(rl.doubles()).containsExactly(1, 2, 3, 4, 5, 6);
        Tensor col = in("col", s(2, 1), 7, 8);
        assertThat(doubles(g.expand(col, x))).containsExactly(7, 7, 7, 8, 8, 8);
        NdArray range = eval(g.arange(x, 1));
        assertThat(range.longs()).containsExactly(0, 1, 2);
    }

    @Test
    void reductionsAndArgMax() {
        Tensor x = in("x", s(2, 3), 1, 5, 2, 7, 7, 3);
        assertThat(doubles(g.reduceSum(x, false, 1))).containsExactly(8, 17);
        assertThat(eval(g.reduceSum(x, true, 0)).shape()).containsExactly(1, 3);
        assertThat(doubles(g.reduceSum(x, true, 0))).containsExactly(8, 12, 5);
        assertThat(doubles(g.reduceMean(x, false, 0, 1))).containsExactly(25.0 / 6);
        assertThat(doubles(g.reduceMax(x, false, 1))).containsExactly(5, 7);
        // A tie: the first index wins.
        assertThat(eval(g.argMax(x, 1, false)).longs()).containsExactly(1, 0);
        assertThat(eval(g.argMax(x, 0, true)).shape()).containsExactly(1, 3);
        assertThat(eval(g.argMax(x, 0, true)).longs()).containsExactly(1, 1, 1);
    }

    @Test
    void softmaxIsStableAndNormalised() {
        Tensor x = in("x", s(2, 3), 1, 2, 3, 1000, 1001, 1002);
        double e = Math.E;
        double z = 1 + e + e * e;
        double[] expected = {1 / z, e / z, e * e / z};
        assertThat(doubles(g.softmax(x, -1))).containsExactly(new double[] {expected[0], expected[1], expected[2],
            expected[0], expected[1], expected[2]}, within(1e-15));
        assertThat(doubles(g.logSoftmax(x, 1))).containsExactly(new double[] {-Math.log(z), 1 - Math.log(z), 2 - Math.log(z),
            -Math.log(z), 1 - Math.log(z), 2 - Math.log(z)}, within(1e-12));
        // Along axis 0: columns [1, 1000] etc.
        assertThat(doubles(g.softmax(x, 0))[0]).isCloseTo(Math.exp(-999), within(1e-300));
    }

    @Test
    void layerNormUsesPopulationVariance() {
        Tensor x = in("x", s(1, 4), 1, 2, 3, 4);
        Tensor gamma = in("gamma", s(4), 1, 1, 2, 2);
        Tensor beta = in("beta", s(4), 0, 1, 0, 1);
        // mean 2.5, variance (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25
        double r = 1 / Math.sqrt(1.25 + 0.01);
        assertThat(doubles(g.layerNorm(x, gamma, beta, 0.01))).containsExactly(new double[] {
            -1.5 * r, -0.5 * r + 1, 0.5 * r * 2, 1.5 * r * 2 + 1}, within(1e-15));
    }

    @Test
    void indexing() {
        Tensor table = in("table", s(3, 2), 1, 2, 3, 4, 5, 6);
        Tensor rows = ids("rows", s(2, 2), 2, 0, -1, 1);
        NdArray gathered = eval(g.gather(table, rows, 0));
        assertThat(gathered.shape()).containsExactly(2, 2, 2);
        assertThat(gathered.doubles()).containsExactly(5, 6, 1, 2, 5, 6, 3, 4);
        assertThat(doubles(g.gather(table, ids("col", s(1), 1), 1))).containsExactly(2, 4, 6);
        Tensor updates = in("updates", s(3, 2), 1, 1, 2, 2, 4, 4);
        assertThat(doubles(g.scatterAddRows(table, ids("at", s(3), 2, 0, 2), updates))).containsExactly(2, 2, 0, 0, 5, 5);
        Tensor idx = ids("idx", s(3), 1, 0, 1);
        assertThat(doubles(g.takeAlongLastAxis(table, idx))).containsExactly(2, 3, 6);
        Tensor vals = in("vals", s(3), 7, 8, 9);
        assertThat(doubles(g.putAlongLastAxis(table, idx, vals))).containsExactly(0, 7, 8, 0, 0, 9);
    }

    @Test
    void indexOutOfRangeNamesTheOp() {
        Tensor table = in("table", s(3, 2), 1, 2, 3, 4, 5, 6);
        Tensor y = g.gather(table, ids("rows", s(1), 3), 0);
        assertThatThrownBy(() -> eval(y)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Gather").hasMessageContaining("index 3");
    }

    @Test
    void logicComparisonsWhereAndCasts() {
        Tensor a = in("a", s(4), -1.5, 0, 2.7, 3);
        Tensor b = in("b", s(4), 0, 0, 3, 1);
        Tensor gt = g.greater(a, b);
        assertThat(eval(gt).longs()).containsExactly(0, 0, 0, 1);
        assertThat(eval(g.equal(a, b)).longs()).containsExactly(0, 1, 0, 0);
        assertThat(eval(g.lessOrEqual(a, b)).longs()).containsExactly(1, 1, 1, 0);
        assertThat(eval(g.and(gt, g.not(g.less(a, b)))).longs()).containsExactly(0, 0, 0, 1);
        assertThat(eval(g.or(gt, g.equal(a, b))).longs()).containsExactly(0, 1, 0, 1);
        assertThat(doubles(g.where(g.less(a, b), a, g.scalar(9)))).containsExactly(-1.5, 9, 2.7, 9);
        // Float to int truncates toward zero, as C casts and ONNX Runtime do.
        assertThat(eval(g.cast(a, DType.INT64)).longs()).containsExactly(-1, 0, 2, 3);
        assertThat(doubles(g.cast(gt, DType.FLOAT32))).containsExactly(0, 0, 0, 1);
        Tensor labels = ids("labels", s(3), -100, 4, 0);
        assertThat(eval(g.not(g.equal(labels, g.scalarLong(-100)))).longs()).containsExactly(0, 1, 1);
    }

    @Test
    void unaryFunctions() {
        Tensor x = in("x", s(3), -1, 0.5, 2);
        assertThat(doubles(g.neg(x))).containsExactly(1, -0.5, -2);
        assertThat(doubles(g.exp(x))).containsExactly(Math.exp(-1), Math.exp(0.5), Math.exp(2));
        assertThat(doubles(g.tanh(x))).containsExactly(Math.tanh(-1), Math.tanh(0.5), Math.tanh(2));
        assertThat(doubles(g.sqrt(g.mul(x, x)))).containsExactly(1, 0.5, 2);
        assertThat(doubles(g.log(g.exp(x)))).containsExactly(new double[] {-1, 0.5, 2}, within(1e-15));
        // GELU = x Phi(x); values from mpmath at 30 digits.
        assertThat(doubles(g.gelu(x))).containsExactly(new double[] {-0.15865525393145705141, 0.34573123063700655182,
            1.9544997361036415856}, within(1e-15));
        // gelu_new (tanh approximation); values from PyTorch's float64 gelu(approximate="tanh").
        Tensor wide = in("wide", s(6), -6, -3.5, -0.7, 0.05, 0.9, 5);
        assertThat(doubles(g.geluTanh(wide))).containsExactly(new double[] {-8.43964897967453e-11, -0.0006161976553737403,
            -0.16942986529488321, 0.025996938238622008, 0.7342284887097207, 4.999999770820381}, within(1e-15));
    }

    @Test
    void erfIsAccurateToTwelveDigits() {
        // Reference values from mpmath.erf / mpmath.erfc with 30 digits.
        double[][] erf = {
            {-3.7, -0.99999983284894209085}, {-1.5, -0.96610514647531072707}, {-0.3, -0.32862675945912741619},
            {0.001, 0.0011283787909692364034}, {0.5, 0.52049987781304653768}, {1, 0.84270079294971486934},
            {1.99, 0.99511141319961699705}, {2.0, 0.99532226501895273416}, {2.5, 0.99959304798255504106},
            {3, 0.99997790950300141456}, {4.5, 0.99999999980338395585}};
        for (double[] c : erf) {
            assertThat(ReferenceInterpreter.erf(c[0])).as("erf(%s)", c[0]).isCloseTo(c[1], within(1e-12 * Math.abs(c[1])));
        }
        double[][] erfc = {
            {0.5, 0.47950012218695346232}, {1.99, 0.0048885868003830029527}, {2.0, 0.0046777349810472658379},
            {3, 0.000022090496998585441373}, {4.5, 1.9661604415428874763e-10}, {6, 2.1519736712498913117e-17},
            {-1.5, 1.9661051464753107271}};
        for (double[] c : erfc) {
            assertThat(ReferenceInterpreter.erfc(c[0])).as("erfc(%s)", c[0]).isCloseTo(c[1], within(1e-12 * Math.abs(c[1])));
        }
        // In the far negative tail GELU keeps its relative precision (no 1 + erf cancellation).
        assertThat(ReferenceInterpreter.gelu(-8)).isCloseTo(-4.9767684594174272988e-15, within(1e-26));
    }

    @Test
    void leavesAreCheckedAndNamed() {
        Tensor x = g.input("x", DType.FLOAT32, Shape.of("batch", 3));
        assertThatThrownBy(() -> eval(x)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'x'");
        inputs.put("x", NdArray.ofDoubles(s(2, 4), new double[8]));
        assertThatThrownBy(() -> eval(x)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'x'").hasMessageContaining("[batch, 3]").hasMessageContaining("[2, 4]");
        Tensor w = g.weight("w", Shape.fixed(2), org.pretrain4j.graph.Init.zeros());
        assertThatThrownBy(() -> eval(w)).hasMessageContaining("'w'");
        assertThat(new ReferenceInterpreter(Map.of(), Map.of("w", NdArray.ofDoubles(s(2), new double[] {1, 2}))).evaluate(w).doubles())
                .containsExactly(1, 2);
    }

    @Test
    void constantsAndHostConversion() {
        Tensor c = g.constant(HostTensor.ofLongs(s(2), new long[] {3, 4}));
        assertThat(eval(c).longs()).containsExactly(3, 4);
        NdArray v = NdArray.of(HostTensor.ofFloats(s(2), new float[] {0.1f, 2}));
        assertThat(v.doubles()[0]).isEqualTo((double) 0.1f);
        assertThat(v.toHost().floats()).containsExactly(0.1f, 2f);
        assertThat(eval(g.reduce(Op.ReduceFn.SUM, c, false, 0)).longs()).containsExactly(7);
    }
}

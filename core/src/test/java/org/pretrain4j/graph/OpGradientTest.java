package org.pretrain4j.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.pretrain4j.nn.Layers;
import org.pretrain4j.testkit.GradientChecker;
import org.pretrain4j.testkit.NdArray;

/**
 * Central-difference checks of the gradient of every differentiable op, in float64. The loss is a
 * random-weighted sum of the op's output, so each output element matters differently (a plain sum
 * would hide wrong rules: the gradient of sum(softmax(x)) is zero whatever the rule says).
 */
final class OpGradientTest {
    private static final double TOLERANCE = 1e-6;

    /** One case: a graph, its float inputs (random values unless given), and the op's output. */
    private static final class Case {
        final Graph g = new Graph();
        final Map<String, NdArray> values = new LinkedHashMap<>();
        final List<Tensor> wrt = new ArrayList<>();
        final SplittableRandom random = new SplittableRandom(42);

        /** A FLOAT32 input with random values in +-[0.2, 1.5] (or the positive half), a wrt of the check. */
        Tensor input(String name, boolean positive, long... shape) {
            return input(name, Shape.fixed(shape), positive, shape);
        }

        Tensor input(String name, Shape declared, boolean positive, long... actual) {
            Tensor t = g.input(name, DType.FLOAT32, declared);
            double[] d = new double[Math.toIntExact(HostTensor.elementCount(actual))];
            for (int i = 0; i < d.length; i++) {
                double m = 0.2 + 1.3 * random.nextDouble();
                d[i] = positive || random.nextBoolean() ? m : -m;
            }
            values.put(name, NdArray.ofDoubles(actual, d));
            wrt.add(t);
            return t;
        }

        /** A FLOAT32 input whose values matter only for their shape: not a wrt. */
        Tensor shapeOnly(String name, long... shape) {
            Tensor t = g.input(name, DType.FLOAT32, Shape.fixed(shape));
            values.put(name, NdArray.ofDoubles(shape, new double[Math.toIntExact(HostTensor.elementCount(shape))]));
            return t;
        }

        Tensor longs(String name, long[] shape, long... data) {
            Tensor t = g.input(name, DType.INT64, Shape.fixed(shape));
            values.put(name, NdArray.ofLongs(shape, data));
            return t;
        }

        /** Checks d loss / d inputs with loss = sum(y * probe), probe random and fixed. */
        double check(Tensor y, long... actualShape) {
            long[] shape = actualShape.length > 0 || y.rank() == 0 ? actualShape : y.shape().fixedSizes();
            Tensor probe = g.input("probe", DType.FLOAT32, y.shape());
            double[] p = new double[Math.toIntExact(HostTensor.elementCount(shape))];
            for (int i = 0; i < p.length; i++) {
                p[i] = random.nextDouble() * 2 - 1;
            }
            values.put("probe", NdArray.ofDoubles(shape, p));
            Tensor loss = g.sumAll(g.mul(y, probe));
            GradientChecker.Report report = GradientChecker.check(loss, wrt, values, 7, Integer.MAX_VALUE);
            assertThat(report.elementsChecked()).isPositive();
            assertThat(report.maxRelativeError()).as(report.where()).isLessThanOrEqualTo(TOLERANCE);
            return report.maxRelativeError();
        }
    }

    private static void unary(Function<Graph, Function<Tensor, Tensor>> op, boolean positive) {
        Case c = new Case();
        Tensor x = c.input("x", positive, 3, 4);
        c.check(op.apply(c.g).apply(x));
    }

    @Test
    void unaryOps() {
        unary(g -> g::neg, false);
        unary(g -> g::exp, false);
        unary(g -> g::log, true);
        unary(g -> g::sqrt, true);
        unary(g -> g::tanh, false);
        unary(g -> g::erf, false);
        unary(g -> g::gelu, false);
        unary(g -> g::geluTanh, false);
    }

    @Test
    void geluTanhOverAWideRange() {
        Case c = new Case();
        Tensor x = c.g.input("x", DType.FLOAT32, Shape.fixed(9));
        c.values.put("x", NdArray.ofDoubles(new long[] {9}, new double[] {-6, -3.5, -2, -0.7, -0.1, 0.05, 0.9, 2.5, 5}));
        c.wrt.add(x);
        c.check(c.g.geluTanh(x));
    }

    @Test
    void geluOverAWideRange() {
        Case c = new Case();
        Tensor x = c.g.input("x", DType.FLOAT32, Shape.fixed(9));
        c.values.put("x", NdArray.ofDoubles(new long[] {9}, new double[] {-6, -3.5, -2, -0.7, -0.1, 0.05, 0.9, 2.5, 5}));
        c.wrt.add(x);
        c.check(c.g.gelu(x));
    }

    private static final long[][][] BROADCASTS = {
        {{3, 4}, {3, 4}},
        {{2, 3, 4}, {3, 1}},
        {{2, 1, 4}, {2, 3, 1}},
        {{}, {2, 3}},
        {{4}, {2, 3, 4}},
        {{1, 3, 1}, {2, 1, 5}},
    };

    @Test
    void binaryOpsWithBroadcasting() {
        for (Op.BinaryFn fn : Op.BinaryFn.values()) {
            for (long[][] shapes : BROADCASTS) {
                Case c = new Case();
                Tensor a = c.input("a", fn == Op.BinaryFn.DIV, shapes[0]);
                Tensor b = c.input("b", fn == Op.BinaryFn.DIV, shapes[1]);
                c.check(c.g.binary(fn, a, b));
            }
        }
    }

    @Test
    void sameTensorOnBothSidesSumsBothPaths() {
        Case c = new Case();
        Tensor x = c.input("x", false, 3, 2);
        c.check(c.g.add(c.g.mul(x, x), c.g.div(c.g.exp(x), x)));
    }

    @Test
    void where() {
        Case c = new Case();
        Tensor a = c.input("a", false, 2, 3);
        Tensor b = c.input("b", false, 3);
        Tensor cond = c.g.greater(a, c.g.scalar(0));
        c.check(c.g.where(cond, c.g.mul(a, a), b));
        Case d = new Case();
        Tensor x = d.input("x", false, 2, 1);
        Tensor y = d.input("y", false, 1, 4);
        Tensor mask = d.g.cast(d.longs("m", new long[] {2, 4}, 1, 0, 1, 1, 0, 0, 1, 0), DType.BOOL);
        d.check(d.g.where(mask, x, y));
    }

    @Test
    void matmulShapes() {
        long[][][] cases = {
            {{3, 4}, {4, 5}},
            {{2, 3, 4}, {4, 5}},
            {{2, 3, 4}, {2, 4, 5}},
            {{3, 4}, {2, 4, 5}},
            {{2, 1, 3, 4}, {5, 4, 2}},
        };
        for (long[][] s : cases) {
            Case c = new Case();
            c.check(c.g.matmul(c.input("a", false, s[0]), c.input("b", false, s[1])));
        }
    }

    @Test
    void matmulWithSymbolicBatch() {
        Case c = new Case();
        Tensor a = c.input("a", Shape.of("batch", "seq", 4), false, 2, 3, 4);
        Tensor w = c.input("w", false, 4, 5);
        c.check(c.g.matmul(a, w), 2, 3, 5);
    }

    @Test
    void matmulWithTransposedWeightAsATiedDecoder() {
        // E is read as rows (an embedding) and as transpose(E) (the decoder): both paths reach its gradient.
        for (long[] rows : new long[][] {{6, 4}, {2, 3, 4}}) {
            Case c = new Case();
            Tensor e = c.input("e", false, 5, 4);
            Tensor x = c.input("x", false, rows);
            Tensor logits = c.g.matmul(c.g.add(x, c.g.reduceSum(e, true, 0)), c.g.transpose(e, 1, 0));
            c.check(logits);
        }
    }

    @Test
    void layoutOps() {
        Case t = new Case();
        t.check(t.g.transpose(t.input("x", false, 2, 3, 4), 2, 0, 1));
        Case r = new Case();
        r.check(r.g.reshape(r.input("x", false, 2, 3, 4), 0, -1));
        Case u = new Case();
        u.check(u.g.unsqueeze(u.input("x", false, 2, 3), 0, 2));
        Case s = new Case();
        s.check(s.g.squeeze(s.input("x", false, 2, 1, 3, 1), 1, 3));
        Case e = new Case();
        e.check(e.g.expand(e.input("x", false, 3, 1), e.shapeOnly("like", 2, 3, 4)));
    }

    @Test
    void reshapeOfSymbolicDimsBack() {
        Case c = new Case();
        Tensor x = c.input("x", Shape.of("batch", "seq", 4), false, 2, 3, 4);
        Tensor rows = c.g.reshape(x, -1, 4);
        c.check(c.g.mul(rows, rows), 6, 4);
        Case d = new Case();
        Tensor y = d.input("y", Shape.of("batch", "seq", 6), false, 2, 3, 6);
        d.check(d.g.reshape(y, 0, 0, 2, 3), 2, 3, 2, 3);
    }

    @Test
    void sliceAndConcat() {
        long[][] bounds = {{1, 3}, {0, 2}, {2, Long.MAX_VALUE}, {-2, Long.MAX_VALUE}, {1, -1}, {0, Long.MAX_VALUE}};
        for (long[] b : bounds) {
            Case c = new Case();
            c.check(c.g.slice(c.input("x", false, 2, 4, 3), 1, b[0], b[1]));
        }
        Case c = new Case();
        Tensor a = c.input("a", false, 2, 1, 3);
        Tensor b = c.input("b", false, 2, 4, 3);
        c.check(c.g.concat(1, a, b, c.g.mul(a, b)));
    }

    @Test
    void splitSendsBackOneConcat() {
        Case c = new Case();
        Tensor x = c.input("x", Shape.of("batch", 3, 7), false, 2, 3, 7);
        List<Tensor> parts = c.g.split(x, -1, 2, 4, 1);
        // Parts used unequally (one twice, one through a product), so each piece of the Concat matters.
        c.check(c.g.concat(-1, c.g.mul(parts.get(2), parts.get(0)), parts.get(1), parts.get(0)), 2, 3, 8);
        // A part that does not reach the loss gets zeros in the Concat.
        Case d = new Case();
        Tensor y = d.input("y", false, 6, 3);
        List<Tensor> rows = d.g.split(y, 0, 1, 3, 2);
        d.check(d.g.add(d.g.mul(rows.get(1), rows.get(1)), d.g.reduceSum(rows.get(2), false, 0)));
        Graph g = new Graph();
        Tensor w = g.input("w", DType.FLOAT32, Shape.fixed(4, 6));
        List<Tensor> halves = g.split(w, 1, 3, 3);
        List<Tensor> grads = Autodiff.gradients(g.sumAll(g.mul(halves.get(0), halves.get(1))), List.of(w));
        assertThat(grads.get(0).op()).isInstanceOf(Op.Concat.class);
    }

    @Test
    void splitSizesMustFillTheAxis() {
        Graph g = new Graph();
        Tensor x = g.input("x", DType.FLOAT32, Shape.of("batch", 6));
        assertThatThrownBy(() -> g.split(x, 1, 2, 3)).isInstanceOf(GraphException.class).hasMessageContaining("Split");
        assertThatThrownBy(() -> g.split(x, 0, 1, 1)).isInstanceOf(GraphException.class).hasMessageContaining("Split");
    }

    @Test
    void sliceAndConcatOfSymbolicDims() {
        Case c = new Case();
        Tensor x = c.input("x", Shape.of(2, "seq", 3), false, 2, 5, 3);
        c.check(c.g.slice(x, 1, 1, -1), 2, 3, 3);
        Case d = new Case();
        Tensor first = d.input("first", false, 2, 1, 3);
        Tensor rest = d.input("rest", Shape.of(2, "seq", 3), false, 2, 4, 3);
        Tensor last = d.input("last", false, 2, 2, 3);
        d.check(d.g.concat(1, first, rest, last), 2, 7, 3);
    }

    @Test
    void reductions() {
        for (Op.ReduceFn fn : Op.ReduceFn.values()) {
            for (boolean keep : new boolean[] {true, false}) {
                Case c = new Case();
                c.check(c.g.reduce(fn, c.input("x", false, 2, 3, 4), keep, 1));
                Case d = new Case();
                d.check(d.g.reduce(fn, d.input("x", false, 2, 3, 4), keep, 0, 2));
            }
        }
    }

    @Test
    void meanOverASymbolicAxis() {
        Case c = new Case();
        Tensor x = c.input("x", Shape.of("batch", "seq", 3), false, 2, 5, 3);
        c.check(c.g.reduceMean(x, false, 1), 2, 3);
    }

    @Test
    void softmaxAndLogSoftmax() {
        for (int axis : new int[] {-1, 1}) {
            Case c = new Case();
            c.check(c.g.softmax(c.input("x", false, 2, 3, 4), axis));
            Case d = new Case();
            d.check(d.g.logSoftmax(d.input("x", false, 2, 3, 4), axis));
        }
    }

    @Test
    void layerNormOfEveryInput() {
        Case c = new Case();
        Tensor x = c.input("x", false, 2, 3, 5);
        Tensor gamma = c.input("gamma", false, 5);
        Tensor beta = c.input("beta", false, 5);
        c.check(c.g.layerNorm(x, gamma, beta, 1e-5));
    }

    @Test
    void invStdDevAndTheLayerNormRuleThatUsesIt() {
        Case c = new Case();
        c.check(c.g.invStdDev(c.input("x", false, 2, 3, 5), 1e-3));
        // A LayerNorm whose gradient flows into a second LayerNorm of the same x: the rule's own
        // normalisation and InvStdDev share x with both forward nodes.
        Case d = new Case();
        Tensor x = d.input("x", false, 4, 6);
        Tensor gamma = d.input("gamma", false, 6);
        Tensor beta = d.input("beta", false, 6);
        Tensor first = d.g.layerNorm(x, gamma, beta, 1e-5);
        d.check(d.g.mul(first, d.g.layerNorm(d.g.mul(first, x), beta, gamma, 1e-5)));
    }

    @Test
    void indexingOps() {
        Case gather = new Case();
        Tensor table = gather.input("table", false, 5, 3);
        gather.check(gather.g.gather(table, gather.longs("ids", new long[] {2, 4}, 1, 4, 1, 0, 3, 1, 4, 2), 0));

        Case scatter = new Case();
        Tensor like = scatter.shapeOnly("like", 5, 3);
        Tensor updates = scatter.input("updates", false, 4, 3);
        scatter.check(scatter.g.scatterAddRows(like, scatter.longs("rows", new long[] {4}, 2, 0, 2, 4), updates));

        Case take = new Case();
        Tensor logits = take.input("x", false, 2, 3, 5);
        take.check(take.g.takeAlongLastAxis(logits, take.longs("idx", new long[] {2, 3}, 0, 4, 2, 2, 1, 3)));

        Case put = new Case();
        Tensor shape = put.shapeOnly("shape", 2, 3, 5);
        Tensor vals = put.input("vals", false, 2, 3);
        put.check(put.g.putAlongLastAxis(shape, put.longs("idx", new long[] {2, 3}, 0, 4, 2, 2, 1, 3), vals));

        Case add = new Case();
        Tensor base = add.input("base", false, 2, 3, 5);
        Tensor added = add.input("added", false, 2, 3);
        add.check(add.g.addAlongLastAxis(base, add.longs("idx", new long[] {2, 3}, 0, 4, 2, 2, 1, 3), added));

        // The fused cross-entropy rule (LogSoftmax whose gradient is one value per row at the label)
        // against central differences, next to the general rule when a second term also uses log p.
        Case ce = new Case();
        Tensor x = ce.input("x", false, 4, 6);
        Tensor labels = ce.longs("labels", new long[] {4}, 5, 0, 3, 3);
        ce.check(ce.g.takeAlongLastAxis(ce.g.logSoftmax(x, -1), labels));
        Case both = new Case();
        Tensor x2 = both.input("x", false, 4, 6);
        Tensor logp = both.g.logSoftmax(x2, -1);
        both.check(both.g.add(both.g.reduceSum(both.g.takeAlongLastAxis(logp, both.longs("labels", new long[] {4}, 5, 0, 3, 3)), false, 0),
                both.g.reduceSum(both.g.mul(logp, logp), false, 0, 1)));
    }

    @Test
    void gatherOnOtherAxesIsRefused() {
        Graph g = new Graph();
        Tensor data = g.input("data", DType.FLOAT32, Shape.fixed(2, 5));
        Tensor y = g.gather(data, g.input("ids", DType.INT64, Shape.fixed(3)), 1);
        assertThatThrownBy(() -> Autodiff.gradients(g.sumAll(y), List.of(data)))
                .isInstanceOf(GraphException.class).hasMessageContaining("Gather on axis 1");
    }

    @Test
    void dropoutUsesTheForwardMask() {
        Case c = new Case();
        Tensor x = c.input("x", false, 4, 50);
        Tensor seed = c.longs("seed", new long[0], 12345);
        c.check(c.g.mul(c.g.dropout(x, seed, 0.3, 7), x));
    }

    @Test
    void crossEntropyWithIgnoredLabels() {
        Case c = new Case();
        Tensor logits = c.input("logits", false, 2, 3, 6);
        Tensor labels = c.longs("labels", new long[] {2, 3}, 1, Layers.IGNORE_INDEX, 5, 0, 3, Layers.IGNORE_INDEX);
        Layers.CrossEntropy ce = Layers.crossEntropy(c.g, logits, labels);
        c.check(c.g.div(ce.lossSum(), ce.count()));
    }

    @Test
    void unconnectedAndNonDifferentiablePathsGiveZeros() {
        Graph g = new Graph();
        Tensor x = g.input("x", DType.FLOAT32, Shape.fixed(2, 3));
        Tensor unused = g.input("unused", DType.FLOAT32, Shape.fixed(4));
        // x reaches the loss only through argmax and a comparison: no gradient.
        Tensor hits = g.cast(g.argMax(x, -1, false), DType.FLOAT32);
        Tensor positive = g.cast(g.greater(x, g.scalar(0)), DType.FLOAT32);
        Tensor loss = g.sumAll(g.add(hits, g.reduceSum(positive, false, 1)));
        List<Tensor> grads = Autodiff.gradients(loss, List.of(x, unused));
        assertThat(grads.get(0).shape()).isEqualTo(x.shape());
        assertThat(grads.get(1).shape()).isEqualTo(unused.shape());
        Map<String, NdArray> in = Map.of(
                "x", NdArray.ofDoubles(new long[] {2, 3}, new double[] {1, -2, 3, 0.5, 0.1, -1}),
                "unused", NdArray.ofDoubles(new long[] {4}, new double[] {1, 2, 3, 4}));
        org.pretrain4j.testkit.ReferenceInterpreter interpreter = new org.pretrain4j.testkit.ReferenceInterpreter(in, Map.of());
        assertThat(interpreter.evaluate(grads.get(0)).doubles()).containsOnly(0.0);
        assertThat(interpreter.evaluate(grads.get(1)).doubles()).containsExactly(0, 0, 0, 0);
    }

    @Test
    void lossMustBeAFloatScalar() {
        Graph g = new Graph();
        Tensor x = g.input("x", DType.FLOAT32, Shape.fixed(2));
        assertThatThrownBy(() -> Autodiff.gradients(x, List.of(x)))
                .isInstanceOf(GraphException.class).hasMessageContaining("FLOAT32 scalar").hasMessageContaining("[2]");
    }

    @Test
    void gradientsKeepTheParameterShapes() {
        Graph g = new Graph();
        Tensor x = g.input("x", DType.FLOAT32, Shape.of("batch", "seq", 4));
        Tensor y = Layers.dense(g, "dense", x, 3, 0.02);
        Tensor ln = Layers.layerNorm(g, "ln", y, 1e-12);
        Tensor loss = g.sumAll(ln);
        List<Tensor> params = List.of(g.named("dense/weight"), g.named("dense/bias"), g.named("ln/gamma"), g.named("ln/beta"));
        List<Tensor> grads = Autodiff.gradients(loss, params);
        for (int i = 0; i < params.size(); i++) {
            assertThat(grads.get(i).shape()).as(params.get(i).name()).isEqualTo(params.get(i).shape());
        }
        assertThat(Arrays.asList(grads.get(0).shape().fixedSizes())).isNotEmpty();
    }
}

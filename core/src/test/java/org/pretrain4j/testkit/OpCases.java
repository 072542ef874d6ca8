package org.pretrain4j.testkit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.pretrain4j.graph.DType;
import org.pretrain4j.graph.Graph;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.graph.Init;
import org.pretrain4j.graph.Op;
import org.pretrain4j.graph.Program;
import org.pretrain4j.graph.Shape;
import org.pretrain4j.graph.Tensor;

/**
 * One small program per op kind (and per function of the elementwise kinds) with fixed random
 * inputs, for {@link BackendContract}. Inputs have symbolic leading dims where the op allows, as
 * the model's do.
 */
final class OpCases {
    record Case(String name, Program program, Map<String, HostTensor> inputs) {}

    private OpCases() {}

    static List<Case> all() {
        List<Case> cases = new ArrayList<>();
        cases.add(build("leaves", (b) -> b.g.add(b.g.add(b.floats("x", 3, 4), b.g.weight("w", Shape.fixed(3, 4), Init.normal(0.5))),
                b.g.constant(HostTensor.ofFloats(new long[] {4}, new float[] {1, -2, 3.5f, 0})))));
        for (Op.UnaryFn fn : Op.UnaryFn.values()) {
            if (fn == Op.UnaryFn.NOT) {
                cases.add(build("unary NOT", (b) -> b.g.cast(b.g.not(b.g.less(b.floats("x", 3, 4), b.g.scalar(0))), DType.INT64)));
            } else {
                boolean positive = fn == Op.UnaryFn.LOG || fn == Op.UnaryFn.SQRT;
                cases.add(build("unary " + fn, (b) -> b.g.unary(fn, positive ? b.positive("x", 3, 4) : b.floats("x", 3, 4))));
            }
        }
        for (Op.BinaryFn fn : Op.BinaryFn.values()) {
            cases.add(build("binary " + fn + " FLOAT32", (b) -> b.g.binary(fn, b.floats("a", 2, 3, 4),
                    fn == Op.BinaryFn.DIV ? b.positive("b", 3, 1) : b.floats("b", 3, 1))));
            if (fn != Op.BinaryFn.DIV) {
                cases.add(build("binary " + fn + " INT64", (b) -> b.g.binary(fn, b.longs("a", 10, 2, 3), b.longs("b", 10, 3))));
            }
        }
        for (Op.CompareFn fn : Op.CompareFn.values()) {
            cases.add(build("compare " + fn + " FLOAT32", (b) -> b.g.cast(b.g.compare(fn, b.integral("a", 4, 3),
                    b.g.slice(b.integral("b", 2, 3), 0, 0, 1)), DType.INT64)));
            cases.add(build("compare " + fn + " INT64", (b) -> b.g.cast(b.g.compare(fn, b.longs("a", 3, 4, 5), b.longs("b", 3, 5)), DType.INT64)));
        }
        cases.add(build("logical AND", (b) -> b.g.cast(b.g.and(b.bools("a"), b.bools("b")), DType.FLOAT32)));
        cases.add(build("logical OR", (b) -> b.g.cast(b.g.or(b.bools("a"), b.bools("b")), DType.FLOAT32)));
        cases.add(build("where FLOAT32", (b) -> b.g.where(b.g.greater(b.floats("c", 3, 4), b.g.scalar(0)), b.floats("x", 3, 4), b.g.scalar(-7))));
        cases.add(build("where INT64", (b) -> b.g.where(b.g.greater(b.floats("c", 3, 1), b.g.scalar(0)), b.longs("x", 9, 3, 4), b.g.scalarLong(-100))));
        cases.add(build("cast INT64 to FLOAT32", (b) -> b.g.cast(b.longs("x", 1000, 3, 4), DType.FLOAT32)));
        cases.add(build("cast FLOAT32 to INT64", (b) -> b.g.cast(b.integral("x", 3, 4), DType.INT64)));
        cases.add(build("cast BOOL to INT64 and FLOAT32", (b) -> {
            Tensor bool = b.bools("a");
            return b.g.add(b.g.cast(b.g.cast(bool, DType.INT64), DType.FLOAT32), b.g.cast(bool, DType.FLOAT32));
        }));
        cases.add(build("matmul 2-D", (b) -> b.g.matmul(b.floats("a", 3, 5), b.floats("b", 5, 4))));
        cases.add(build("matmul batched x 2-D", (b) -> b.g.matmul(b.floats("a", 2, 3, 4, 5), b.floats("b", 5, 6))));
        cases.add(build("matmul broadcast batch", (b) -> b.g.matmul(b.floats("a", 2, 1, 4, 5), b.floats("b", 3, 5, 2))));
        cases.add(build("dense: batched rows x weight + bias", (b) -> b.g.add(
                b.g.matmul(b.floats("x", 2, 3, 4), b.g.weight("w", Shape.fixed(4, 5), Init.normal(0.5))),
                b.g.weight("bias", Shape.fixed(5), Init.normal(0.5)))));
        cases.add(build("dense: bias first, rank 4", (b) -> b.g.add(b.g.weight("bias", Shape.fixed(5), Init.normal(0.5)),
                b.g.matmul(b.floats("x", 2, 2, 3, 4), b.g.weight("w", Shape.fixed(4, 5), Init.normal(0.5))))));
        cases.add(build("dense: product also read elsewhere", (b) -> {
            Tensor product = b.g.matmul(b.floats("x", 2, 3, 4), b.g.weight("w", Shape.fixed(4, 5), Init.normal(0.5)));
            return b.g.mul(b.g.add(product, b.g.weight("bias", Shape.fixed(5), Init.normal(0.5))), product);
        }));
        cases.add(build("dense gradient", (b) -> {
            Tensor x = b.floats("x", 2, 3, 4);
            Tensor w = b.g.weight("w", Shape.fixed(4, 5), Init.normal(0.5));
            Tensor bias = b.g.weight("bias", Shape.fixed(5), Init.normal(0.5));
            Tensor y = b.g.gelu(b.g.add(b.g.matmul(x, w), bias));
            List<Tensor> grads = org.pretrain4j.graph.Autodiff.gradients(b.g.sumAll(b.g.mul(y, y)), List.of(x, w, bias));
            return b.g.concat(0, b.g.reduceSum(grads.get(0), false, 0, 1), b.g.reduceSum(grads.get(1), false, 0), grads.get(2));
        }));
        cases.add(build("transpose", (b) -> b.g.transpose(b.floats("x", 2, 3, 4), 2, 0, 1)));
        cases.add(build("reshape", (b) -> b.g.reshape(b.floats("x", 2, 3, 4), 0, -1, 2)));
        cases.add(build("reshape to scalar", (b) -> b.g.reshape(b.g.slice(b.floats("x", 1, 3), 1, -1, Long.MAX_VALUE))));
        cases.add(build("reshape like", (b) -> b.g.reshapeLike(b.floats("x", 2, 12), b.floats("like", 2, 3, 4))));
        cases.add(build("unsqueeze", (b) -> b.g.unsqueeze(b.floats("x", 2, 3), 0, 3)));
        cases.add(build("squeeze", (b) -> b.g.squeeze(b.floats("x", 2, 1, 3, 1), 1, -1)));
        cases.add(build("slice", (b) -> b.g.slice(b.floats("x", 2, 6, 3), 1, 1, 4)));
        cases.add(build("slice from the end", (b) -> b.g.slice(b.floats("x", 2, 6, 3), 1, -2, Long.MAX_VALUE)));
        cases.add(build("concat", (b) -> b.g.concat(1, b.floats("a", 2, 1, 3), b.floats("b", 2, 4, 3), b.floats("c", 2, 2, 3))));
        cases.add(build("split", (b) -> {
            // Every part used, in another order: the backend must run one split with three outputs.
            List<Tensor> parts = b.g.split(b.floats("x", 2, 3, 9), -1, 4, 2, 3);
            return b.g.concat(-1, parts.get(2), b.g.mul(parts.get(1), b.g.scalar(2)), parts.get(0));
        }));
        cases.add(build("split gradient", (b) -> {
            // Autodiff's rule: one Concat of the parts' gradients, zeros for the unused middle part.
            Tensor x = b.floats("x", 3, 8);
            List<Tensor> parts = b.g.split(x, 1, 3, 2, 3);
            Tensor loss = b.g.sumAll(b.g.mul(b.g.mul(parts.get(0), parts.get(2)), b.floats("w", 3, 3)));
            return org.pretrain4j.graph.Autodiff.gradients(loss, List.of(x)).get(0);
        }));
        cases.add(build("concat empty", (b) -> b.g.concat(1, b.floats("a", 2, 0, 3), b.floats("b", 2, 4, 3))));
        for (Op.ReduceFn fn : Op.ReduceFn.values()) {
            cases.add(build("reduce " + fn, (b) -> b.g.reduce(fn, b.floats("x", 2, 3, 4), false, 0, 2)));
            cases.add(build("reduce " + fn + " keep dims", (b) -> b.g.reduce(fn, b.floats("x", 2, 3, 4), true, -1)));
        }
        cases.add(build("reduce SUM over leading axes", (b) -> b.g.reduceSum(b.floats("x", 5, 3, 4), false, 0, 1)));
        cases.add(build("reduce SUM over the first axis", (b) -> b.g.reduceSum(b.floats("x", 5, 3, 4), false, 0)));
        cases.add(build("reduce SUM INT64", (b) -> b.g.reduceSum(b.longs("x", 9, 2, 3), false, 1)));
        cases.add(build("argmax", (b) -> b.g.argMax(b.floats("x", 2, 3, 4), -1, false)));
        cases.add(build("argmax keep dims", (b) -> b.g.argMax(b.floats("x", 2, 3, 4), 1, true)));
        cases.add(build("softmax", (b) -> b.g.softmax(b.g.mul(b.floats("x", 2, 3, 5), b.g.scalar(4)), -1)));
        cases.add(build("softmax axis 1", (b) -> b.g.softmax(b.floats("x", 2, 3, 5), 1)));
        cases.add(build("log softmax", (b) -> b.g.logSoftmax(b.g.mul(b.floats("x", 2, 3, 5), b.g.scalar(4)), -1)));
        cases.add(build("layer norm", (b) -> b.g.layerNorm(b.floats("x", 2, 3, 6), b.floats("gamma", 6), b.floats("beta", 6), 1e-5)));
        cases.add(build("inv std dev", (b) -> b.g.invStdDev(b.floats("x", 2, 3, 6), 1e-5)));
        cases.add(build("inv std dev beside its layer norm", (b) -> {
            // A backend may take 1/std from the LayerNorm of the same x (ONNX's InvStdDev output).
            Tensor x = b.floats("x", 2, 3, 6);
            Tensor y = b.g.layerNorm(x, b.floats("gamma", 6), b.floats("beta", 6), 1e-5);
            return b.g.add(y, b.g.invStdDev(x, 1e-5));
        }));
        cases.add(build("inv std dev beside another epsilon's layer norm", (b) -> {
            Tensor x = b.floats("x", 2, 3, 6);
            Tensor y = b.g.layerNorm(x, b.floats("gamma", 6), b.floats("beta", 6), 1e-5);
            return b.g.add(y, b.g.invStdDev(x, 0.5));
        }));
        cases.add(build("layer norm gradient", (b) -> {
            Tensor x = b.floats("x", 2, 3, 6);
            Tensor gamma = b.floats("gamma", 6);
            Tensor y = b.g.layerNorm(x, gamma, b.floats("beta", 6), 1e-5);
            Tensor loss = b.g.sumAll(b.g.mul(y, b.floats("w", 2, 3, 6)));
            List<Tensor> grads = org.pretrain4j.graph.Autodiff.gradients(loss, List.of(x, gamma));
            return b.g.add(grads.get(0), grads.get(1));
        }));
        cases.add(build("gather rows", (b) -> b.g.gather(b.floats("table", 7, 3), b.longs("i", 7, 2, 4), 0)));
        cases.add(build("gather axis 1", (b) -> b.g.gather(b.floats("x", 2, 5, 3), b.longs("i", 5, 4), 1)));
        cases.add(build("scatter add rows", (b) -> {
            Tensor like = b.floats("table", 6, 3);
            Tensor index = b.g.constant(HostTensor.ofLongs(new long[] {2, 3}, new long[] {1, 4, 1, 0, 1, 5}));
            return b.g.scatterAddRows(like, index, b.floats("u", 2, 3, 3));
        }));
        cases.add(build("take along last axis", (b) -> b.g.takeAlongLastAxis(b.floats("x", 2, 3, 7), b.longs("i", 7, 2, 3))));
        cases.add(build("put along last axis", (b) -> b.g.putAlongLastAxis(b.floats("x", 2, 3, 7), b.longs("i", 7, 2, 3), b.floats("v", 2, 3))));
        cases.add(build("add along last axis", (b) -> b.g.addAlongLastAxis(b.floats("x", 2, 3, 7), b.longs("i", 7, 2, 3), b.floats("v", 2, 3))));
        cases.add(build("cross-entropy gradient", (b) -> {
            // Autodiff's fused rule: -softmax(x) * v with v added at the label (AddAlongLastAxis).
            Tensor x = b.floats("x", 3, 7);
            Tensor picked = b.g.takeAlongLastAxis(b.g.logSoftmax(x, -1), b.longs("i", 7, 3));
            return org.pretrain4j.graph.Autodiff.gradients(b.g.sumAll(b.g.mul(picked, b.floats("w", 3))), List.of(x)).get(0);
        }));
        cases.add(build("expand", (b) -> b.g.expand(b.floats("x", 3, 1), b.floats("like", 2, 3, 4))));
        cases.add(build("arange", (b) -> b.g.add(b.g.arange(b.floats("x", 2, 5), 1), b.g.scalarLong(3))));
        cases.add(build("dropout", (b) -> b.g.dropout(b.floats("x", 4, 50), b.g.input("dropout_seed", DType.INT64, Shape.scalar()), 0.25, 5)));
        return cases;
    }

    private static Case build(String name, Function<Builder, Tensor> body) {
        Builder b = new Builder(name);
        Tensor out = body.apply(b);
        Program program = new Program(name, b.g, Map.of("y", out), List.of(), 11);
        if (b.inputs.containsKey("dropout_seed") || b.g.named("dropout_seed") != null) {
            b.inputs.put("dropout_seed", HostTensor.scalar(12345L));
        }
        return new Case(name, program, b.inputs);
    }

    /** Declares inputs with random values drawn from the case name. */
    private static final class Builder {
        final Graph g = new Graph();
        final Map<String, HostTensor> inputs = new LinkedHashMap<>();
        final Random random;

        Builder(String name) {
            random = new Random(name.hashCode());
        }

        /** The first dim of a rank >= 2 input is a symbol of its own (inputs may differ in it). */
        private Shape shape(String name, long[] dims) {
            Object[] d = new Object[dims.length];
            for (int i = 0; i < dims.length; i++) {
                d[i] = i == 0 && dims.length > 1 ? (Object) ("n_" + name) : (Object) dims[i];
            }
            return Shape.of(d);
        }

        Tensor floats(String name, long... dims) {
            float[] v = new float[(int) HostTensor.elementCount(dims)];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) random.nextGaussian();
            }
            inputs.put(name, HostTensor.ofFloats(dims, v));
            return g.input(name, DType.FLOAT32, shape(name, dims));
        }

        Tensor positive(String name, long... dims) {
            float[] v = new float[(int) HostTensor.elementCount(dims)];
            for (int i = 0; i < v.length; i++) {
                v[i] = 0.1f + 2 * random.nextFloat();
            }
            inputs.put(name, HostTensor.ofFloats(dims, v));
            return g.input(name, DType.FLOAT32, shape(name, dims));
        }

        /** Whole numbers in [-2, 2] as FLOAT32, so that comparisons meet equality and casts are exact. */
        Tensor integral(String name, long... dims) {
            float[] v = new float[(int) HostTensor.elementCount(dims)];
            for (int i = 0; i < v.length; i++) {
                v[i] = random.nextInt(5) - 2;
            }
            inputs.put(name, HostTensor.ofFloats(dims, v));
            return g.input(name, DType.FLOAT32, shape(name, dims));
        }

        /** INT64 values in {@code [0, bound)}. */
        Tensor longs(String name, int bound, long... dims) {
            long[] v = new long[(int) HostTensor.elementCount(dims)];
            for (int i = 0; i < v.length; i++) {
                v[i] = random.nextInt(bound);
            }
            inputs.put(name, HostTensor.ofLongs(dims, v));
            return g.input(name, DType.INT64, shape(name, dims));
        }

        /** A BOOL [batch_size, 5] from a random float input. */
        Tensor bools(String name) {
            return g.greater(floats(name, 3, 5), g.scalar(0));
        }
    }
}

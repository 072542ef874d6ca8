package org.pretrain4j.graph;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a graph of {@link Op}s. Every method infers the result's dtype and shape and fails with a
 * {@link GraphException} naming the op and the shapes when they do not fit. Not thread-safe.
 */
public final class Graph {
    private final List<Tensor> nodes = new ArrayList<>();
    private final Map<String, Tensor> named = new HashMap<>();

    /** Every node, in creation (topological) order. */
    public List<Tensor> nodes() {
        return Collections.unmodifiableList(nodes);
    }

    /** The Input or Variable with this name, or null. */
    public Tensor named(String name) {
        return named.get(name);
    }

    /** Adds a node whose dtype and shape are already known. Used by the ops below and by graph transforms. */
    public Tensor node(Op op, List<Tensor> inputs, DType dtype, Shape shape) {
        for (Tensor in : inputs) {
            if (in.graph() != this) {
                throw new GraphException(opName(op) + ": input " + in + " belongs to another graph");
            }
        }
        Tensor t = new Tensor(this, nodes.size(), op, inputs, dtype, shape);
        nodes.add(t);
        return t;
    }

    // ---- leaves ----

    public Tensor input(String name, DType dtype, Shape shape) {
        return register(name, node(new Op.Input(name), List.of(), dtype, shape));
    }

    /** The input of this name if it was declared with this type, else a new one; another type or a variable of the name fails. */
    public Tensor inputOrExisting(String name, DType dtype, Shape shape) {
        Tensor existing = named.get(requireNonNull(name, "name is null"));
        if (existing == null) {
            return input(name, dtype, shape);
        }
        if (!(existing.op() instanceof Op.Input)) {
            throw new GraphException("input '" + name + "' clashes with a variable of the same name");
        }
        if (existing.dtype() != dtype || !existing.shape().equals(shape)) {
            throw new GraphException("input '" + name + "' declared as " + dtype + shape + " but it is already "
                    + existing.dtype() + existing.shape());
        }
        return existing;
    }

    public Tensor variable(String name, Shape shape, Init init, boolean trainable, boolean weightDecay) {
        if (!shape.isFixed()) {
            throw new GraphException("variable '" + name + "' needs a fixed shape, got " + shape);
        }
        return register(name, node(new Op.Variable(name, init, trainable, weightDecay), List.of(), DType.FLOAT32, shape));
    }

    /** A trainable weight (weight decay applies). */
    public Tensor weight(String name, Shape shape, Init init) {
        return variable(name, shape, init, true, true);
    }

    /** A trainable bias or LayerNorm parameter (no weight decay). */
    public Tensor bias(String name, Shape shape, Init init) {
        return variable(name, shape, init, true, false);
    }

    public Tensor constant(HostTensor value) {
        return node(new Op.Constant(value), List.of(), value.dtype(), Shape.fixed(value.shape()));
    }

    public Tensor scalar(double value) {
        return constant(HostTensor.scalar((float) value));
    }

    public Tensor scalarLong(long value) {
        return constant(HostTensor.scalar(value));
    }

    private Tensor register(String name, Tensor t) {
        requireNonNull(name, "name is null");
        if (named.putIfAbsent(name, t) != null) {
            throw new GraphException("name '" + name + "' is already used in this graph");
        }
        return t;
    }

    // ---- elementwise ----

    public Tensor unary(Op.UnaryFn fn, Tensor x) {
        if (fn == Op.UnaryFn.NOT ? x.dtype() != DType.BOOL : !x.dtype().isFloating()) {
            throw new GraphException(fn + ": wrong input type " + x.dtype());
        }
        return node(new Op.Unary(fn), List.of(x), x.dtype(), x.shape());
    }

    public Tensor neg(Tensor x) { return unary(Op.UnaryFn.NEG, x); }
    public Tensor exp(Tensor x) { return unary(Op.UnaryFn.EXP, x); }
    public Tensor log(Tensor x) { return unary(Op.UnaryFn.LOG, x); }
    public Tensor sqrt(Tensor x) { return unary(Op.UnaryFn.SQRT, x); }
    public Tensor tanh(Tensor x) { return unary(Op.UnaryFn.TANH, x); }
    public Tensor erf(Tensor x) { return unary(Op.UnaryFn.ERF, x); }
    /** Exact GELU: x * Phi(x). */
    public Tensor gelu(Tensor x) { return unary(Op.UnaryFn.GELU, x); }
    /**
     * GELU's tanh approximation, {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}: GPT-2's
     * {@code gelu_new}, which its published weights were trained with.
     */
    public Tensor geluTanh(Tensor x) { return unary(Op.UnaryFn.GELU_TANH, x); }
    public Tensor not(Tensor x) { return unary(Op.UnaryFn.NOT, x); }

    public Tensor binary(Op.BinaryFn fn, Tensor a, Tensor b) {
        if (a.dtype() != b.dtype() || a.dtype() == DType.BOOL) {
            throw new GraphException(fn + ": input types differ or are BOOL: " + a.dtype() + " and " + b.dtype());
        }
        return node(new Op.Binary(fn), List.of(a, b), a.dtype(), broadcast(fn.toString(), a.shape(), b.shape()));
    }

    public Tensor add(Tensor a, Tensor b) { return binary(Op.BinaryFn.ADD, a, b); }
    public Tensor sub(Tensor a, Tensor b) { return binary(Op.BinaryFn.SUB, a, b); }
    public Tensor mul(Tensor a, Tensor b) { return binary(Op.BinaryFn.MUL, a, b); }
    public Tensor div(Tensor a, Tensor b) { return binary(Op.BinaryFn.DIV, a, b); }
    public Tensor max(Tensor a, Tensor b) { return binary(Op.BinaryFn.MAX, a, b); }
    public Tensor min(Tensor a, Tensor b) { return binary(Op.BinaryFn.MIN, a, b); }

    public Tensor add(Tensor a, double b) { return add(a, scalar(b)); }
    public Tensor mul(Tensor a, double b) { return mul(a, scalar(b)); }

    public Tensor compare(Op.CompareFn fn, Tensor a, Tensor b) {
        if (a.dtype() != b.dtype()) {
            throw new GraphException(fn + ": input types differ: " + a.dtype() + " and " + b.dtype());
        }
        return node(new Op.Compare(fn), List.of(a, b), DType.BOOL, broadcast(fn.toString(), a.shape(), b.shape()));
    }

    public Tensor equal(Tensor a, Tensor b) { return compare(Op.CompareFn.EQUAL, a, b); }
    public Tensor less(Tensor a, Tensor b) { return compare(Op.CompareFn.LESS, a, b); }
    public Tensor lessOrEqual(Tensor a, Tensor b) { return compare(Op.CompareFn.LESS_OR_EQUAL, a, b); }
    public Tensor greater(Tensor a, Tensor b) { return compare(Op.CompareFn.GREATER, a, b); }
    public Tensor greaterOrEqual(Tensor a, Tensor b) { return compare(Op.CompareFn.GREATER_OR_EQUAL, a, b); }

    public Tensor and(Tensor a, Tensor b) { return logical(true, a, b); }
    public Tensor or(Tensor a, Tensor b) { return logical(false, a, b); }

    private Tensor logical(boolean and, Tensor a, Tensor b) {
        if (a.dtype() != DType.BOOL || b.dtype() != DType.BOOL) {
            throw new GraphException((and ? "AND" : "OR") + ": inputs must be BOOL, got " + a.dtype() + " and " + b.dtype());
        }
        return node(new Op.Logical(and), List.of(a, b), DType.BOOL, broadcast(and ? "AND" : "OR", a.shape(), b.shape()));
    }

    public Tensor where(Tensor condition, Tensor whenTrue, Tensor whenFalse) {
        if (condition.dtype() != DType.BOOL) {
            throw new GraphException("Where: condition must be BOOL, got " + condition.dtype());
        }
        if (whenTrue.dtype() != whenFalse.dtype()) {
            throw new GraphException("Where: branch types differ: " + whenTrue.dtype() + " and " + whenFalse.dtype());
        }
        Shape s = broadcast("Where", broadcast("Where", condition.shape(), whenTrue.shape()), whenFalse.shape());
        return node(new Op.Where(), List.of(condition, whenTrue, whenFalse), whenTrue.dtype(), s);
    }

    public Tensor cast(Tensor x, DType to) {
        if (x.dtype() == to) {
            return x;
        }
        return node(new Op.Cast(to), List.of(x), to, x.shape());
    }

    // ---- linear algebra and layout ----

    public Tensor matmul(Tensor a, Tensor b) {
        if (!a.dtype().isFloating() || !b.dtype().isFloating()) {
            throw new GraphException("MatMul: inputs must be FLOAT32, got " + a.dtype() + " and " + b.dtype());
        }
        if (a.rank() < 2 || b.rank() < 2) {
            throw new GraphException("MatMul: inputs need rank >= 2, got " + a.shape() + " and " + b.shape());
        }
        Dim k1 = a.shape().dim(-1);
        Dim k2 = b.shape().dim(-2);
        if (!compatible(k1, k2)) {
            throw new GraphException("MatMul: inner dims differ: " + a.shape() + " x " + b.shape());
        }
        Shape batchA = new Shape(a.shape().dims().subList(0, a.rank() - 2));
        Shape batchB = new Shape(b.shape().dims().subList(0, b.rank() - 2));
        List<Dim> dims;
        try {
            dims = new ArrayList<>(broadcast("MatMul", batchA, batchB).dims());
        } catch (GraphException e) {
            throw new GraphException("MatMul: batch dims of " + a.shape() + " and " + b.shape() + " do not broadcast");
        }
        dims.add(a.shape().dim(-2));
        dims.add(b.shape().dim(-1));
        return node(new Op.MatMul(), List.of(a, b), DType.FLOAT32, new Shape(dims));
    }

    public Tensor transpose(Tensor x, int... permutation) {
        if (permutation.length != x.rank()) {
            throw new GraphException("Transpose: permutation " + Arrays.toString(permutation) + " does not fit " + x.shape());
        }
        boolean[] seen = new boolean[permutation.length];
        List<Dim> dims = new ArrayList<>();
        for (int p : permutation) {
            if (p < 0 || p >= permutation.length || seen[p]) {
                throw new GraphException("Transpose: not a permutation: " + Arrays.toString(permutation));
            }
            seen[p] = true;
            dims.add(x.shape().dim(p));
        }
        return node(new Op.Transpose(boxed(permutation)), List.of(x), x.dtype(), new Shape(dims));
    }

    /** Swaps the last two axes. */
    public Tensor transposeLastTwo(Tensor x) {
        int[] perm = new int[x.rank()];
        for (int i = 0; i < perm.length; i++) {
            perm[i] = i;
        }
        perm[perm.length - 1] = perm.length - 2;
        perm[perm.length - 2] = perm.length - 1;
        return transpose(x, perm);
    }

    public Tensor reshape(Tensor x, long... spec) {
        List<Dim> out = new ArrayList<>();
        int inferAt = -1;
        for (int i = 0; i < spec.length; i++) {
            long s = spec[i];
            if (s == 0) {
                if (i >= x.rank()) {
                    throw new GraphException("Reshape: 0 at index " + i + " but input " + x.shape() + " has rank " + x.rank());
                }
                out.add(x.shape().dim(i));
            } else if (s == -1) {
                if (inferAt >= 0) {
                    throw new GraphException("Reshape: more than one -1 in " + Arrays.toString(spec));
                }
                inferAt = i;
                out.add(null);
            } else if (s > 0) {
                out.add(Dim.of(s));
            } else {
                throw new GraphException("Reshape: bad size " + s + " in " + Arrays.toString(spec));
            }
        }
        Monomial in = Monomial.of(x.shape().dims());
        Monomial known = Monomial.of(out.stream().filter(d -> d != null).toList());
        if (inferAt >= 0) {
            out.set(inferAt, in.divide(known, "Reshape " + x.shape() + " to " + Arrays.toString(spec)));
        } else if (in.symbols.isEmpty() && known.symbols.isEmpty() && in.factor != known.factor) {
            throw new GraphException("Reshape: " + x.shape() + " has " + in.factor + " elements, " + out + " has " + known.factor);
        }
        return node(new Op.Reshape(boxed(spec)), List.of(x), x.dtype(), new Shape(out));
    }

    /** Reshapes x to the run-time shape of {@code like}; fixed element counts must agree. */
    public Tensor reshapeLike(Tensor x, Tensor like) {
        Monomial a = Monomial.of(x.shape().dims());
        Monomial b = Monomial.of(like.shape().dims());
        if (a.symbols.isEmpty() && b.symbols.isEmpty() && a.factor != b.factor) {
            throw new GraphException("ReshapeLike: " + x.shape() + " has " + a.factor + " elements, " + like.shape() + " has " + b.factor);
        }
        return node(new Op.ReshapeLike(), List.of(x, like), x.dtype(), like.shape());
    }

    public Tensor unsqueeze(Tensor x, int... axes) {
        int rank = x.rank() + axes.length;
        boolean[] inserted = new boolean[rank];
        for (int a : axes) {
            int n = a < 0 ? a + rank : a;
            if (n < 0 || n >= rank || inserted[n]) {
                throw new GraphException("Unsqueeze: bad axes " + Arrays.toString(axes) + " for " + x.shape());
            }
            inserted[n] = true;
        }
        List<Dim> dims = new ArrayList<>();
        int j = 0;
        for (int i = 0; i < rank; i++) {
            dims.add(inserted[i] ? Dim.of(1) : x.shape().dim(j++));
        }
        int[] normalized = Arrays.stream(axes).map(a -> a < 0 ? a + rank : a).sorted().toArray();
        return node(new Op.Unsqueeze(boxed(normalized)), List.of(x), x.dtype(), new Shape(dims));
    }

    public Tensor squeeze(Tensor x, int... axes) {
        boolean[] removed = new boolean[x.rank()];
        for (int a : axes) {
            int n = axis("Squeeze", x.shape(), a);
            Dim d = x.shape().dim(n);
            if (!d.isFixed() || d.size() != 1) {
                throw new GraphException("Squeeze: axis " + a + " of " + x.shape() + " is not 1");
            }
            removed[n] = true;
        }
        List<Dim> dims = new ArrayList<>();
        for (int i = 0; i < x.rank(); i++) {
            if (!removed[i]) {
                dims.add(x.shape().dim(i));
            }
        }
        int[] normalized = Arrays.stream(axes).map(a -> axis("Squeeze", x.shape(), a)).sorted().toArray();
        return node(new Op.Squeeze(boxed(normalized)), List.of(x), x.dtype(), new Shape(dims));
    }

    public Tensor slice(Tensor x, int axis, long start, long end) {
        int a = axis("Slice", x.shape(), axis);
        Dim d = x.shape().dim(a);
        Dim outDim;
        if (d.isFixed()) {
            long s = clampIndex(start, d.size());
            long e = end == Long.MAX_VALUE ? d.size() : clampIndex(end, d.size());
            outDim = Dim.of(Math.max(0, e - s));
        } else if (start >= 0 && end != Long.MAX_VALUE && end >= 0) {
            outDim = Dim.of(Math.max(0, end - start));
        } else {
            outDim = Dim.symbol(d.symbol() + "[" + start + ":" + (end == Long.MAX_VALUE ? "" : end) + "]");
        }
        List<Dim> dims = new ArrayList<>(x.shape().dims());
        dims.set(a, outDim);
        return node(new Op.Slice(a, start, end), List.of(x), x.dtype(), new Shape(dims));
    }

    public Tensor concat(int axis, Tensor... parts) {
        if (parts.length == 0) {
            throw new GraphException("Concat: no inputs");
        }
        Shape first = parts[0].shape();
        int a = axis("Concat", first, axis);
        List<Dim> dims = new ArrayList<>(first.dims());
        Dim sum = first.dim(a);
        for (int p = 1; p < parts.length; p++) {
            Shape s = parts[p].shape();
            if (s.rank() != first.rank() || parts[p].dtype() != parts[0].dtype()) {
                throw new GraphException("Concat: inputs differ: " + first + " and " + s);
            }
            for (int i = 0; i < s.rank(); i++) {
                if (i != a && !compatible(s.dim(i), first.dim(i))) {
                    throw new GraphException("Concat on axis " + a + ": dims differ: " + first + " and " + s);
                }
            }
            Dim d = s.dim(a);
            sum = sum.isFixed() && d.isFixed() ? Dim.of(sum.size() + d.size()) : Dim.symbol(sum + "+" + d);
        }
        dims.set(a, sum);
        return node(new Op.Concat(a), List.of(parts), parts[0].dtype(), new Shape(dims));
    }

    // ---- reductions and normalisation ----

    public Tensor reduce(Op.ReduceFn fn, Tensor x, boolean keepDims, int... axes) {
        if (!x.dtype().isFloating() && fn == Op.ReduceFn.MEAN) {
            throw new GraphException("ReduceMean: input must be FLOAT32, got " + x.dtype());
        }
        int[] norm = Arrays.stream(axes).map(a -> axis("Reduce" + fn, x.shape(), a)).sorted().distinct().toArray();
        List<Dim> dims = new ArrayList<>();
        for (int i = 0; i < x.rank(); i++) {
            if (Arrays.binarySearch(norm, i) >= 0) {
                if (keepDims) {
                    dims.add(Dim.of(1));
                }
            } else {
                dims.add(x.shape().dim(i));
            }
        }
        return node(new Op.Reduce(fn, boxed(norm), keepDims), List.of(x), x.dtype(), new Shape(dims));
    }

    public Tensor reduceSum(Tensor x, boolean keepDims, int... axes) { return reduce(Op.ReduceFn.SUM, x, keepDims, axes); }
    public Tensor reduceMean(Tensor x, boolean keepDims, int... axes) { return reduce(Op.ReduceFn.MEAN, x, keepDims, axes); }
    public Tensor reduceMax(Tensor x, boolean keepDims, int... axes) { return reduce(Op.ReduceFn.MAX, x, keepDims, axes); }

    /** Sum of every element, a scalar. */
    public Tensor sumAll(Tensor x) {
        int[] axes = new int[x.rank()];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = i;
        }
        return x.rank() == 0 ? x : reduceSum(x, false, axes);
    }

    public Tensor argMax(Tensor x, int axis, boolean keepDims) {
        int a = axis("ArgMax", x.shape(), axis);
        List<Dim> dims = new ArrayList<>(x.shape().dims());
        if (keepDims) {
            dims.set(a, Dim.of(1));
        } else {
            dims.remove(a);
        }
        return node(new Op.ArgMax(a, keepDims), List.of(x), DType.INT64, new Shape(dims));
    }

    public Tensor softmax(Tensor x, int axis) {
        requireFloat("Softmax", x);
        return node(new Op.Softmax(axis("Softmax", x.shape(), axis)), List.of(x), x.dtype(), x.shape());
    }

    public Tensor logSoftmax(Tensor x, int axis) {
        requireFloat("LogSoftmax", x);
        return node(new Op.LogSoftmax(axis("LogSoftmax", x.shape(), axis)), List.of(x), x.dtype(), x.shape());
    }

    public Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, double epsilon) {
        requireFloat("LayerNorm", x);
        Dim h = x.shape().dim(-1);
        if (gamma.rank() != 1 || beta.rank() != 1 || !compatible(gamma.shape().dim(0), h) || !compatible(beta.shape().dim(0), h)) {
            throw new GraphException("LayerNorm: gamma " + gamma.shape() + " and beta " + beta.shape() + " must be [" + h + "] for " + x.shape());
        }
        return node(new Op.LayerNorm(epsilon), List.of(x, gamma, beta), x.dtype(), x.shape());
    }

    // ---- indexing ----

    public Tensor gather(Tensor data, Tensor indices, int axis) {
        requireIndex("Gather", indices);
        int a = axis("Gather", data.shape(), axis);
        List<Dim> dims = new ArrayList<>(data.shape().dims().subList(0, a));
        dims.addAll(indices.shape().dims());
        dims.addAll(data.shape().dims().subList(a + 1, data.rank()));
        return node(new Op.Gather(a), List.of(data, indices), data.dtype(), new Shape(dims));
    }

    public Tensor scatterAddRows(Tensor like, Tensor indices, Tensor updates) {
        requireIndex("ScatterAddRows", indices);
        List<Dim> expected = new ArrayList<>(indices.shape().dims());
        expected.addAll(like.shape().dims().subList(1, like.rank()));
        checkSame("ScatterAddRows: updates", updates.shape(), new Shape(expected));
        return node(new Op.ScatterAddRows(), List.of(like, indices, updates), updates.dtype(), like.shape());
    }

    public Tensor takeAlongLastAxis(Tensor x, Tensor index) {
        requireIndex("TakeAlongLastAxis", index);
        checkSame("TakeAlongLastAxis: index", index.shape(), new Shape(x.shape().dims().subList(0, x.rank() - 1)));
        return node(new Op.TakeAlongLastAxis(), List.of(x, index), x.dtype(), index.shape());
    }

    public Tensor putAlongLastAxis(Tensor like, Tensor index, Tensor values) {
        requireIndex("PutAlongLastAxis", index);
        Shape lead = new Shape(like.shape().dims().subList(0, like.rank() - 1));
        checkSame("PutAlongLastAxis: index", index.shape(), lead);
        checkSame("PutAlongLastAxis: values", values.shape(), lead);
        return node(new Op.PutAlongLastAxis(), List.of(like, index, values), values.dtype(), like.shape());
    }

    /** {@code base} with {@code values} added at {@code index} along the last axis (one position per row). */
    public Tensor addAlongLastAxis(Tensor base, Tensor index, Tensor values) {
        requireIndex("AddAlongLastAxis", index);
        requireFloat("AddAlongLastAxis", base);
        Shape lead = new Shape(base.shape().dims().subList(0, base.rank() - 1));
        checkSame("AddAlongLastAxis: index", index.shape(), lead);
        checkSame("AddAlongLastAxis: values", values.shape(), lead);
        if (values.dtype() != base.dtype()) {
            throw new GraphException("AddAlongLastAxis: values are " + values.dtype() + ", base is " + base.dtype());
        }
        return node(new Op.AddAlongLastAxis(), List.of(base, index, values), base.dtype(), base.shape());
    }

    public Tensor expand(Tensor x, Tensor like) {
        Shape s = broadcast("Expand", x.shape(), like.shape());
        if (s.rank() != like.rank()) {
            throw new GraphException("Expand: " + x.shape() + " does not broadcast to " + like.shape());
        }
        return node(new Op.Expand(), List.of(x, like), x.dtype(), like.shape());
    }

    public Tensor arange(Tensor like, int axis) {
        int a = axis("Arange", like.shape(), axis);
        return node(new Op.Arange(a), List.of(like), DType.INT64, new Shape(List.of(like.shape().dim(a))));
    }

    public Tensor dropout(Tensor x, Tensor seed, double rate, long salt) {
        requireFloat("Dropout", x);
        if (seed.dtype() != DType.INT64 || seed.rank() != 0) {
            throw new GraphException("Dropout: seed must be an INT64 scalar, got " + seed.dtype() + seed.shape());
        }
        if (!(rate >= 0 && rate < 1)) {
            throw new GraphException("Dropout: rate must be in [0, 1), got " + rate);
        }
        if (salt < 0 || salt >= (1 << 20)) {
            throw new GraphException("Dropout: salt must be in [0, 2^20), got " + salt);
        }
        if (rate == 0) {
            return x;
        }
        return node(new Op.Dropout(rate, salt), List.of(x, seed), x.dtype(), x.shape());
    }

    // ---- shape rules ----

    /** Numpy broadcasting of two shapes; fixed dims must match or be 1. */
    public static Shape broadcast(String op, Shape a, Shape b) {
        int rank = Math.max(a.rank(), b.rank());
        List<Dim> dims = new ArrayList<>();
        for (int i = 0; i < rank; i++) {
            int ia = i - (rank - a.rank());
            int ib = i - (rank - b.rank());
            Dim da = ia >= 0 ? a.dim(ia) : Dim.of(1);
            Dim db = ib >= 0 ? b.dim(ib) : Dim.of(1);
            if (isOne(da)) {
                dims.add(db);
            } else if (isOne(db)) {
                dims.add(da);
            } else if (da.isFixed() && db.isFixed()) {
                if (da.size() != db.size()) {
                    throw new GraphException(op + ": shapes " + a + " and " + b + " do not broadcast");
                }
                dims.add(da);
            } else {
                dims.add(da.isFixed() ? da : db.isFixed() ? db : da);
            }
        }
        return new Shape(dims);
    }

    /** Normalises an axis, failing with a message that names the op. */
    private static int axis(String op, Shape shape, int axis) {
        int a = axis < 0 ? axis + shape.rank() : axis;
        if (a < 0 || a >= shape.rank()) {
            throw new GraphException(op + ": axis " + axis + " is out of range for shape " + shape);
        }
        return a;
    }

    private static boolean isOne(Dim d) {
        return d.isFixed() && d.size() == 1;
    }

    private static boolean compatible(Dim a, Dim b) {
        return !(a.isFixed() && b.isFixed()) || a.size() == b.size();
    }

    private static void checkSame(String what, Shape actual, Shape expected) {
        boolean ok = actual.rank() == expected.rank();
        for (int i = 0; ok && i < actual.rank(); i++) {
            ok = compatible(actual.dim(i), expected.dim(i));
        }
        if (!ok) {
            throw new GraphException(what + " shape " + actual + " should be " + expected);
        }
    }

    private static void requireFloat(String op, Tensor x) {
        if (!x.dtype().isFloating()) {
            throw new GraphException(op + ": input must be FLOAT32, got " + x.dtype());
        }
    }

    private static void requireIndex(String op, Tensor indices) {
        if (indices.dtype() != DType.INT64) {
            throw new GraphException(op + ": indices must be INT64, got " + indices.dtype());
        }
    }

    private static long clampIndex(long i, long size) {
        long v = i < 0 ? i + size : i;
        return Math.max(0, Math.min(size, v));
    }

    private static List<Integer> boxed(int[] values) {
        return Arrays.stream(values).boxed().toList();
    }

    private static List<Long> boxed(long[] values) {
        return Arrays.stream(values).boxed().toList();
    }

    private static String opName(Op op) {
        return op.getClass().getSimpleName();
    }

    /** A product of a fixed factor and symbols, for reshape inference. */
    private record Monomial(long factor, List<String> symbols) {
        static Monomial of(List<Dim> dims) {
            long f = 1;
            List<String> syms = new ArrayList<>();
            for (Dim d : dims) {
                if (d.isFixed()) {
                    f *= d.size();
                } else {
                    syms.addAll(Arrays.asList(d.symbol().split("\\*")));
                }
            }
            return new Monomial(f, syms);
        }

        Dim divide(Monomial known, String what) {
            List<String> rest = new ArrayList<>(symbols);
            for (String s : known.symbols) {
                if (!rest.remove(s)) {
                    return Dim.symbol("(" + String.join("*", symbols) + ")/" + s);
                }
            }
            if (known.factor == 0 || factor % known.factor != 0) {
                throw new GraphException(what + ": " + factor + " elements do not divide by " + known.factor);
            }
            long f = factor / known.factor;
            if (rest.isEmpty()) {
                return Dim.of(f);
            }
            return Dim.symbol((f == 1 ? "" : f + "*") + String.join("*", rest));
        }
    }
}

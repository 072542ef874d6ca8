package org.pretrain4j.testkit;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pretrain4j.graph.DType;
import org.pretrain4j.graph.DropoutHash;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.graph.Op;
import org.pretrain4j.graph.Tensor;

/**
 * The oracle: evaluates graph nodes with plain loops, FLOAT32 values in float64. Shapes come from
 * the run-time values, so symbolic dims take whatever sizes the inputs have. Inputs and variables
 * are found by name; every evaluated node is cached, so evaluating more targets reuses work.
 * Not thread-safe.
 */
public final class ReferenceInterpreter {
    private final Map<String, NdArray> inputs;
    private final Map<String, NdArray> variables;
    private final Map<Integer, NdArray> cache = new HashMap<>();

    /** An interpreter reading Input nodes from {@code inputs} and Variable nodes from {@code variables}, by name. */
    public ReferenceInterpreter(Map<String, NdArray> inputs, Map<String, NdArray> variables) {
        this.inputs = Map.copyOf(requireNonNull(inputs, "inputs is null"));
        this.variables = new HashMap<>(requireNonNull(variables, "variables is null"));
    }

    /** Evaluates named outputs once: the convenience form of {@link #evaluate(Tensor)}. */
    public static Map<String, NdArray> run(Map<String, Tensor> outputs, Map<String, NdArray> inputs, Map<String, NdArray> variables) {
        ReferenceInterpreter interpreter = new ReferenceInterpreter(inputs, variables);
        Map<String, NdArray> result = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : outputs.entrySet()) {
            result.put(e.getKey(), interpreter.evaluate(e.getValue()));
        }
        return result;
    }

    /** Widens host tensors by name. */
    public static Map<String, NdArray> widen(Map<String, HostTensor> host) {
        Map<String, NdArray> out = new LinkedHashMap<>();
        host.forEach((k, v) -> out.put(k, NdArray.of(v)));
        return out;
    }

    /** The value of a node, computing what it depends on (cached). */
    public NdArray evaluate(Tensor target) {
        NdArray cached = cache.get(target.id());
        if (cached != null) {
            return cached;
        }
        // Collect the uncached ancestors and compute them in id (topological) order; no recursion, so deep graphs are fine.
        List<Tensor> todo = new ArrayList<>();
        ArrayList<Tensor> stack = new ArrayList<>(List.of(target));
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        while (!stack.isEmpty()) {
            Tensor t = stack.remove(stack.size() - 1);
            if (cache.containsKey(t.id()) || !seen.add(t.id())) {
                continue;
            }
            todo.add(t);
            stack.addAll(t.inputs());
        }
        todo.sort((a, b) -> Integer.compare(a.id(), b.id()));
        for (Tensor t : todo) {
            cache.put(t.id(), compute(t));
        }
        return cache.get(target.id());
    }

    /** Evaluates several nodes. */
    public Map<Tensor, NdArray> evaluate(Collection<Tensor> targets) {
        Map<Tensor, NdArray> out = new LinkedHashMap<>();
        for (Tensor t : targets) {
            out.put(t, evaluate(t));
        }
        return out;
    }

    /** Fixes the value of a node (any node: a leaf or an intermediate), replacing what it would compute. */
    public void set(Tensor node, NdArray value) {
        cache.put(node.id(), requireNonNull(value, "value is null"));
    }

    /** Recomputes the given nodes from their inputs' cached values, in the given order (callers pass id order). */
    public void recompute(List<Tensor> nodes) {
        for (Tensor t : nodes) {
            cache.put(t.id(), compute(t));
        }
    }

    /** Drops every cached value. */
    public void clear() {
        cache.clear();
    }

    private NdArray compute(Tensor t) {
        Op op = t.op();
        if (op instanceof Op.Input in) {
            NdArray v = inputs.get(in.name());
            if (v == null) {
                throw new IllegalArgumentException("missing input '" + in.name() + "' (" + t.dtype() + t.shape() + ")");
            }
            checkLeaf("input '" + in.name() + "'", t, v);
            return v;
        }
        if (op instanceof Op.Variable var) {
            NdArray v = variables.get(var.name());
            if (v == null) {
                throw new IllegalArgumentException("no value for variable '" + var.name() + "'");
            }
            checkLeaf("variable '" + var.name() + "'", t, v);
            return v;
        }
        if (op instanceof Op.Constant c) {
            return NdArray.of(c.value());
        }
        List<NdArray> args = new ArrayList<>(t.inputs().size());
        for (Tensor in : t.inputs()) {
            args.add(requireNonNull(cache.get(in.id()), "input not evaluated"));
        }
        try {
            return apply(t, args);
        } catch (ArithmeticException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException(t + ": " + e.getMessage(), e);
        }
    }

    private static void checkLeaf(String what, Tensor t, NdArray v) {
        boolean typeOk = t.dtype() == v.dtype() || (t.dtype() == DType.BOOL && v.dtype() == DType.INT64);
        boolean ok = typeOk && v.rank() == t.rank();
        for (int i = 0; ok && i < v.rank(); i++) {
            ok = !t.shape().dim(i).isFixed() || t.shape().dim(i).size() == v.shapeRef()[i];
        }
        if (!ok) {
            throw new IllegalArgumentException(what + " should be " + t.dtype() + t.shape() + ", got " + v.dtype() + Arrays.toString(v.shapeRef()));
        }
    }

    // ---------------------------------------------------------------- op semantics

    /** Applies the op of {@code node} to evaluated inputs. */
    public static NdArray apply(Tensor node, List<NdArray> in) {
        Op op = node.op();
        // The node itself, not its string: toString runs only when an error message is built.
        Object name = node;
        if (op instanceof Op.Unary u) {
            return unary(u.fn(), in.get(0));
        }
        if (op instanceof Op.Binary b) {
            return binary(name, b.fn(), in.get(0), in.get(1));
        }
        if (op instanceof Op.Compare c) {
            return compare(name, c.fn(), in.get(0), in.get(1));
        }
        if (op instanceof Op.Logical l) {
            return logical(name, l.and(), in.get(0), in.get(1));
        }
        if (op instanceof Op.Where) {
            return where(name, in.get(0), in.get(1), in.get(2));
        }
        if (op instanceof Op.Cast c) {
            return cast(in.get(0), c.to());
        }
        if (op instanceof Op.MatMul) {
            return matmul(name, in.get(0), in.get(1));
        }
        if (op instanceof Op.Transpose t) {
            return transpose(in.get(0), t.permutation());
        }
        if (op instanceof Op.Reshape r) {
            return reshape(name, in.get(0), r.spec());
        }
        if (op instanceof Op.ReshapeLike) {
            return withShape(name, in.get(0), in.get(1).shapeRef());
        }
        if (op instanceof Op.Unsqueeze u) {
            long[] s = in.get(0).shapeRef();
            long[] out = new long[s.length + u.axes().size()];
            boolean[] inserted = new boolean[out.length];
            for (int a : u.axes()) {
                inserted[a] = true;
            }
            for (int i = 0, j = 0; i < out.length; i++) {
                out[i] = inserted[i] ? 1 : s[j++];
            }
            return withShape(name, in.get(0), out);
        }
        if (op instanceof Op.Squeeze sq) {
            long[] s = in.get(0).shapeRef();
            List<Long> out = new ArrayList<>();
            for (int i = 0; i < s.length; i++) {
                if (sq.axes().contains(i)) {
                    if (s[i] != 1) {
                        throw new IllegalArgumentException(name + ": axis " + i + " of " + Arrays.toString(s) + " is not 1");
                    }
                } else {
                    out.add(s[i]);
                }
            }
            return withShape(name, in.get(0), out.stream().mapToLong(Long::longValue).toArray());
        }
        if (op instanceof Op.Slice s) {
            return slice(in.get(0), s.axis(), s.start(), s.end());
        }
        if (op instanceof Op.Concat c) {
            return concat(name, c.axis(), in);
        }
        if (op instanceof Op.Reduce r) {
            return reduce(r.fn(), in.get(0), r.axes(), r.keepDims());
        }
        if (op instanceof Op.ArgMax a) {
            return argMax(in.get(0), a.axis(), a.keepDims());
        }
        if (op instanceof Op.Softmax s) {
            return softmax(in.get(0), s.axis(), false);
        }
        if (op instanceof Op.LogSoftmax s) {
            return softmax(in.get(0), s.axis(), true);
        }
        if (op instanceof Op.LayerNorm ln) {
            return layerNorm(in.get(0), in.get(1), in.get(2), ln.epsilon());
        }
        if (op instanceof Op.Gather ga) {
            return gather(name, in.get(0), in.get(1), ga.axis());
        }
        if (op instanceof Op.ScatterAddRows) {
            return scatterAddRows(name, in.get(0), in.get(1), in.get(2));
        }
        if (op instanceof Op.TakeAlongLastAxis) {
            return takeAlongLastAxis(name, in.get(0), in.get(1));
        }
        if (op instanceof Op.PutAlongLastAxis) {
            return putAlongLastAxis(name, in.get(0), in.get(1), in.get(2));
        }
        if (op instanceof Op.AddAlongLastAxis) {
            return addAlongLastAxis(name, in.get(0), in.get(1), in.get(2));
        }
        if (op instanceof Op.Expand) {
            long[] shape = broadcastShape(name, in.get(0).shapeRef(), in.get(1).shapeRef());
            return gatherBy(in.get(0), shape, broadcastMap(in.get(0).shapeRef(), shape));
        }
        if (op instanceof Op.Arange a) {
            long n = in.get(0).shapeRef()[a.axis()];
            long[] out = new long[Math.toIntExact(n)];
            for (int i = 0; i < out.length; i++) {
                out[i] = i;
            }
            return NdArray.ofLongs(new long[] {n}, out);
        }
        if (op instanceof Op.Dropout d) {
            long seed = in.get(1).longs()[0];
            if (seed < 0 || seed >= (1L << 31)) {
                throw new IllegalArgumentException(name + ": dropout seed " + seed + " is outside [0, 2^31)");
            }
            return dropout(in.get(0), seed, d.rate(), d.salt());
        }
        throw new IllegalArgumentException("the reference interpreter cannot evaluate " + name);
    }

    /** Exact GELU, {@code x * Phi(x)}, with Phi from an accurate erfc so that large negative x keep their precision. */
    public static double gelu(double x) {
        return x * 0.5 * erfc(-x / Math.sqrt(2));
    }

    /** GELU's tanh approximation (GPT-2's {@code gelu_new}), in float64. */
    public static double geluTanh(double x) {
        return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
    }

    /** The error function with relative error below 1e-13. */
    public static double erf(double x) {
        if (x < 0) {
            return -erf(-x);
        }
        if (x < 2) {
            return erfSeries(x);
        }
        return 1 - erfcFraction(x);
    }

    /** The complementary error function {@code 1 - erf(x)}, accurate in the far tail. */
    public static double erfc(double x) {
        if (x < 2) {
            return 1 - (x < 0 ? -erf(-x) : erfSeries(x));
        }
        return erfcFraction(x);
    }

    /** erf(x) = 2/sqrt(pi) exp(-x^2) sum 2^n x^(2n+1) / (1*3*...*(2n+1)): all terms positive, no cancellation. */
    private static double erfSeries(double x) {
        double x2 = x * x;
        double term = x;
        double sum = x;
        for (int n = 0; n < 500; n++) {
            term *= 2 * x2 / (2 * n + 3);
            sum += term;
            if (term < sum * 1e-17) {
                break;
            }
        }
        return 2 / Math.sqrt(Math.PI) * Math.exp(-x2) * sum;
    }

    /**
     * erfc(x) for x >= 2 from its continued fraction
     * {@code erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))}, evaluated
     * bottom-up with a fixed depth: about 110/x terms reach float64 precision for x >= 2
     * (52 at x = 2, 16 at x = 5, measured against mpmath), 120/x + 8 leaves a margin.
     */
    private static double erfcFraction(double x) {
        if (x > 27) {
            return 0;
        }
        int depth = (int) (120 / x) + 8;
        double t = x;
        for (int k = depth; k >= 1; k--) {
            t = x + (k / 2.0) / t;
        }
        return Math.exp(-x * x) / Math.sqrt(Math.PI) / t;
    }

    private static NdArray unary(Op.UnaryFn fn, NdArray x) {
        if (fn == Op.UnaryFn.NOT) {
            long[] v = x.longs();
            long[] out = new long[v.length];
            for (int i = 0; i < v.length; i++) {
                out[i] = v[i] == 0 ? 1 : 0;
            }
            return NdArray.ofBools(x.shapeRef(), out);
        }
        double[] v = x.doubles();
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            double a = v[i];
            switch (fn) {
                case NEG: out[i] = -a; break;
                case EXP: out[i] = Math.exp(a); break;
                case LOG: out[i] = Math.log(a); break;
                case SQRT: out[i] = Math.sqrt(a); break;
                case TANH: out[i] = Math.tanh(a); break;
                case ERF: out[i] = erf(a); break;
                case GELU: out[i] = gelu(a); break;
                case GELU_TANH: out[i] = geluTanh(a); break;
                default: throw new IllegalArgumentException("unary " + fn);
            }
        }
        return NdArray.ofDoubles(x.shapeRef(), out);
    }

    private static NdArray binary(Object name, Op.BinaryFn fn, NdArray a, NdArray b) {
        long[] shape = broadcastShape(name, a.shapeRef(), b.shapeRef());
        int[] ma = broadcastMap(a.shapeRef(), shape);
        int[] mb = broadcastMap(b.shapeRef(), shape);
        int n = ma.length;
        if (a.dtype() == DType.FLOAT32) {
            double[] x = a.doubles();
            double[] y = b.doubles();
            double[] out = new double[n];
            for (int i = 0; i < n; i++) {
                double p = x[ma[i]];
                double q = y[mb[i]];
                switch (fn) {
                    case ADD: out[i] = p + q; break;
                    case SUB: out[i] = p - q; break;
                    case MUL: out[i] = p * q; break;
                    case DIV: out[i] = p / q; break;
                    case MAX: out[i] = Math.max(p, q); break;
                    case MIN: out[i] = Math.min(p, q); break;
                    default: throw new IllegalArgumentException("binary " + fn);
                }
            }
            return NdArray.ofDoubles(shape, out);
        }
        long[] x = a.longs();
        long[] y = b.longs();
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            long p = x[ma[i]];
            long q = y[mb[i]];
            switch (fn) {
                case ADD: out[i] = p + q; break;
                case SUB: out[i] = p - q; break;
                case MUL: out[i] = p * q; break;
                case DIV: out[i] = p / q; break;
                case MAX: out[i] = Math.max(p, q); break;
                case MIN: out[i] = Math.min(p, q); break;
                default: throw new IllegalArgumentException("binary " + fn);
            }
        }
        return NdArray.ofLongs(shape, out);
    }

    private static NdArray compare(Object name, Op.CompareFn fn, NdArray a, NdArray b) {
        long[] shape = broadcastShape(name, a.shapeRef(), b.shapeRef());
        int[] ma = broadcastMap(a.shapeRef(), shape);
        int[] mb = broadcastMap(b.shapeRef(), shape);
        long[] out = new long[ma.length];
        boolean floating = a.dtype() == DType.FLOAT32;
        for (int i = 0; i < out.length; i++) {
            int c;
            if (floating) {
                double p = a.doubles()[ma[i]];
                double q = b.doubles()[mb[i]];
                if (Double.isNaN(p) || Double.isNaN(q)) {
                    out[i] = 0;
                    continue;
                }
                c = p < q ? -1 : p > q ? 1 : 0;
            } else {
                c = Long.compare(a.longs()[ma[i]], b.longs()[mb[i]]);
            }
            boolean r;
            switch (fn) {
                case EQUAL: r = c == 0; break;
                case LESS: r = c < 0; break;
                case LESS_OR_EQUAL: r = c <= 0; break;
                case GREATER: r = c > 0; break;
                case GREATER_OR_EQUAL: r = c >= 0; break;
                default: throw new IllegalArgumentException("compare " + fn);
            }
            out[i] = r ? 1 : 0;
        }
        return NdArray.ofBools(shape, out);
    }

    private static NdArray logical(Object name, boolean and, NdArray a, NdArray b) {
        long[] shape = broadcastShape(name, a.shapeRef(), b.shapeRef());
        int[] ma = broadcastMap(a.shapeRef(), shape);
        int[] mb = broadcastMap(b.shapeRef(), shape);
        long[] out = new long[ma.length];
        for (int i = 0; i < out.length; i++) {
            boolean p = a.longs()[ma[i]] != 0;
            boolean q = b.longs()[mb[i]] != 0;
            out[i] = (and ? p && q : p || q) ? 1 : 0;
        }
        return NdArray.ofBools(shape, out);
    }

    private static NdArray where(Object name, NdArray c, NdArray t, NdArray f) {
        long[] shape = broadcastShape(name, broadcastShape(name, c.shapeRef(), t.shapeRef()), f.shapeRef());
        int[] mc = broadcastMap(c.shapeRef(), shape);
        int[] mt = broadcastMap(t.shapeRef(), shape);
        int[] mf = broadcastMap(f.shapeRef(), shape);
        int n = mc.length;
        if (t.dtype() == DType.FLOAT32) {
            double[] out = new double[n];
            for (int i = 0; i < n; i++) {
                out[i] = c.longs()[mc[i]] != 0 ? t.doubles()[mt[i]] : f.doubles()[mf[i]];
            }
            return NdArray.ofDoubles(shape, out);
        }
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = c.longs()[mc[i]] != 0 ? t.longs()[mt[i]] : f.longs()[mf[i]];
        }
        return t.dtype() == DType.BOOL ? NdArray.ofBools(shape, out) : NdArray.ofLongs(shape, out);
    }

    private static NdArray cast(NdArray x, DType to) {
        long[] shape = x.shapeRef();
        if (x.dtype() == to) {
            return x;
        }
        if (to == DType.FLOAT32) {
            long[] v = x.longs();
            double[] out = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                out[i] = v[i];
            }
            return NdArray.ofDoubles(shape, out);
        }
        long[] out = new long[x.size()];
        for (int i = 0; i < out.length; i++) {
            if (x.dtype() == DType.FLOAT32) {
                double d = x.doubles()[i];
                out[i] = to == DType.BOOL ? (d != 0 ? 1 : 0) : (long) d;
            } else {
                long l = x.longs()[i];
                out[i] = to == DType.BOOL ? (l != 0 ? 1 : 0) : l;
            }
        }
        return to == DType.BOOL ? NdArray.ofBools(shape, out) : NdArray.ofLongs(shape, out);
    }

    private static NdArray matmul(Object name, NdArray a, NdArray b) {
        long[] as = a.shapeRef();
        long[] bs = b.shapeRef();
        int m = (int) as[as.length - 2];
        int k = (int) as[as.length - 1];
        int n = (int) bs[bs.length - 1];
        if (bs[bs.length - 2] != k) {
            throw new IllegalArgumentException(name + ": inner dims differ: " + Arrays.toString(as) + " x " + Arrays.toString(bs));
        }
        long[] batchA = Arrays.copyOf(as, as.length - 2);
        long[] batchB = Arrays.copyOf(bs, bs.length - 2);
        long[] batch = broadcastShape(name, batchA, batchB);
        int[] mapA = broadcastMap(batchA, batch);
        int[] mapB = broadcastMap(batchB, batch);
        long[] shape = Arrays.copyOf(batch, batch.length + 2);
        shape[batch.length] = m;
        shape[batch.length + 1] = n;
        double[] x = a.doubles();
        double[] y = b.doubles();
        double[] out = new double[mapA.length * m * n];
        for (int bi = 0; bi < mapA.length; bi++) {
            int offA = mapA[bi] * m * k;
            int offB = mapB[bi] * k * n;
            int offC = bi * m * n;
            for (int i = 0; i < m; i++) {
                for (int p = 0; p < k; p++) {
                    double av = x[offA + i * k + p];
                    int rowB = offB + p * n;
                    int rowC = offC + i * n;
                    for (int j = 0; j < n; j++) {
                        out[rowC + j] += av * y[rowB + j];
                    }
                }
            }
        }
        return NdArray.ofDoubles(shape, out);
    }

    private static NdArray transpose(NdArray x, List<Integer> perm) {
        long[] s = x.shapeRef();
        int rank = s.length;
        long[] shape = new long[rank];
        int[] inStrides = strides(s);
        int[] step = new int[rank];
        for (int i = 0; i < rank; i++) {
            shape[i] = s[perm.get(i)];
            step[i] = inStrides[perm.get(i)];
        }
        int[] map = new int[x.size()];
        walk(shape, step, map);
        return gatherBy(x, shape, map);
    }

    private static NdArray reshape(Object name, NdArray x, List<Long> spec) {
        long[] s = x.shapeRef();
        long[] shape = new long[spec.size()];
        int infer = -1;
        long known = 1;
        for (int i = 0; i < shape.length; i++) {
            long v = spec.get(i);
            if (v == 0) {
                shape[i] = s[i];
            } else if (v == -1) {
                infer = i;
                continue;
            } else {
                shape[i] = v;
            }
            known *= shape[i];
        }
        if (infer >= 0) {
            if (known == 0 || x.size() % known != 0) {
                throw new IllegalArgumentException(name + ": cannot reshape " + Arrays.toString(s) + " with " + spec);
            }
            shape[infer] = x.size() / known;
        }
        return withShape(name, x, shape);
    }

    private static NdArray withShape(Object name, NdArray x, long[] shape) {
        if (HostTensor.elementCount(shape) != x.size()) {
            throw new IllegalArgumentException(name + ": cannot reshape " + Arrays.toString(x.shapeRef()) + " to " + Arrays.toString(shape));
        }
        switch (x.dtype()) {
            case FLOAT32: return NdArray.ofDoubles(shape, x.doubles());
            case INT64: return NdArray.ofLongs(shape, x.longs());
            default: return NdArray.ofBools(shape, x.longs());
        }
    }

    private static NdArray slice(NdArray x, int axis, long start, long end) {
        long[] s = x.shapeRef();
        long size = s[axis];
        long st = clamp(start, size);
        long en = end == Long.MAX_VALUE ? size : clamp(end, size);
        int len = (int) Math.max(0, en - st);
        long[] shape = s.clone();
        shape[axis] = len;
        int outer = outer(s, axis);
        int inner = inner(s, axis);
        int[] map = new int[outer * len * inner];
        int o = 0;
        for (int a = 0; a < outer; a++) {
            for (int i = 0; i < len; i++) {
                int base = (int) ((a * size + st + i) * inner);
                for (int c = 0; c < inner; c++) {
                    map[o++] = base + c;
                }
            }
        }
        return gatherBy(x, shape, map);
    }

    private static NdArray concat(Object name, int axis, List<NdArray> parts) {
        long[] first = parts.get(0).shapeRef();
        long total = 0;
        for (NdArray p : parts) {
            long[] s = p.shapeRef();
            for (int i = 0; i < s.length; i++) {
                if (i != axis && s[i] != first[i]) {
                    throw new IllegalArgumentException(name + ": shapes differ: " + Arrays.toString(first) + " and " + Arrays.toString(s));
                }
            }
            total += s[axis];
        }
        long[] shape = first.clone();
        shape[axis] = total;
        int outer = outer(first, axis);
        int inner = inner(first, axis);
        boolean floating = parts.get(0).dtype() == DType.FLOAT32;
        int n = (int) HostTensor.elementCount(shape);
        double[] d = floating ? new double[n] : null;
        long[] l = floating ? null : new long[n];
        int o = 0;
        for (int a = 0; a < outer; a++) {
            for (NdArray p : parts) {
                int chunk = (int) (p.shapeRef()[axis] * inner);
                if (floating) {
                    System.arraycopy(p.doubles(), a * chunk, d, o, chunk);
                } else {
                    System.arraycopy(p.longs(), a * chunk, l, o, chunk);
                }
                o += chunk;
            }
        }
        if (floating) {
            return NdArray.ofDoubles(shape, d);
        }
        return parts.get(0).dtype() == DType.BOOL ? NdArray.ofBools(shape, l) : NdArray.ofLongs(shape, l);
    }

    private static NdArray reduce(Op.ReduceFn fn, NdArray x, List<Integer> axes, boolean keepDims) {
        long[] s = x.shapeRef();
        long[] kept = s.clone();
        for (int a : axes) {
            kept[a] = 1;
        }
        int[] keptStrides = strides(kept);
        int[] step = new int[s.length];
        List<Long> shapeList = new ArrayList<>();
        for (int i = 0; i < s.length; i++) {
            boolean reduced = axes.contains(i);
            step[i] = reduced ? 0 : keptStrides[i];
            if (!reduced || keepDims) {
                shapeList.add(reduced ? 1L : s[i]);
            }
        }
        long[] shape = shapeList.stream().mapToLong(Long::longValue).toArray();
        int outN = (int) HostTensor.elementCount(kept);
        int[] map = new int[x.size()];
        walk(s, step, map);
        long count = x.size() / Math.max(1, outN);
        if (x.dtype() != DType.FLOAT32) {
            long[] v = x.longs();
            long[] out = new long[outN];
            if (fn == Op.ReduceFn.MAX) {
                Arrays.fill(out, Long.MIN_VALUE);
            }
            for (int i = 0; i < v.length; i++) {
                out[map[i]] = fn == Op.ReduceFn.MAX ? Math.max(out[map[i]], v[i]) : out[map[i]] + v[i];
            }
            return NdArray.ofLongs(shape, out);
        }
        double[] v = x.doubles();
        double[] out = new double[outN];
        if (fn == Op.ReduceFn.MAX) {
            Arrays.fill(out, Double.NEGATIVE_INFINITY);
        }
        for (int i = 0; i < v.length; i++) {
            out[map[i]] = fn == Op.ReduceFn.MAX ? Math.max(out[map[i]], v[i]) : out[map[i]] + v[i];
        }
        if (fn == Op.ReduceFn.MEAN) {
            for (int i = 0; i < outN; i++) {
                out[i] /= count;
            }
        }
        return NdArray.ofDoubles(shape, out);
    }

    private static NdArray argMax(NdArray x, int axis, boolean keepDims) {
        long[] s = x.shapeRef();
        int outer = outer(s, axis);
        int n = (int) s[axis];
        int inner = inner(s, axis);
        long[] out = new long[outer * inner];
        for (int a = 0; a < outer; a++) {
            for (int c = 0; c < inner; c++) {
                int best = 0;
                double bestValue = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < n; i++) {
                    int idx = (a * n + i) * inner + c;
                    double v = x.dtype() == DType.FLOAT32 ? x.doubles()[idx] : x.longs()[idx];
                    // Strictly greater: the first index wins a tie.
                    if (i == 0 || v > bestValue) {
                        best = i;
                        bestValue = v;
                    }
                }
                out[a * inner + c] = best;
            }
        }
        List<Long> shape = new ArrayList<>();
        for (int i = 0; i < s.length; i++) {
            if (i != axis) {
                shape.add(s[i]);
            } else if (keepDims) {
                shape.add(1L);
            }
        }
        return NdArray.ofLongs(shape.stream().mapToLong(Long::longValue).toArray(), out);
    }

    private static NdArray softmax(NdArray x, int axis, boolean log) {
        long[] s = x.shapeRef();
        int outer = outer(s, axis);
        int n = (int) s[axis];
        int inner = inner(s, axis);
        double[] v = x.doubles();
        double[] out = new double[v.length];
        for (int a = 0; a < outer; a++) {
            for (int c = 0; c < inner; c++) {
                int base = a * n * inner + c;
                double max = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < n; i++) {
                    max = Math.max(max, v[base + i * inner]);
                }
                double sum = 0;
                for (int i = 0; i < n; i++) {
                    sum += Math.exp(v[base + i * inner] - max);
                }
                double logSum = Math.log(sum);
                for (int i = 0; i < n; i++) {
                    int idx = base + i * inner;
                    out[idx] = log ? v[idx] - max - logSum : Math.exp(v[idx] - max) / sum;
                }
            }
        }
        return NdArray.ofDoubles(s, out);
    }

    private static NdArray layerNorm(NdArray x, NdArray gamma, NdArray beta, double epsilon) {
        long[] s = x.shapeRef();
        int h = (int) s[s.length - 1];
        double[] v = x.doubles();
        double[] gm = gamma.doubles();
        double[] bt = beta.doubles();
        double[] out = new double[v.length];
        for (int row = 0; row * h < v.length; row++) {
            int base = row * h;
            double mean = 0;
            for (int i = 0; i < h; i++) {
                mean += v[base + i];
            }
            mean /= h;
            double var = 0;
            for (int i = 0; i < h; i++) {
                double d = v[base + i] - mean;
                var += d * d;
            }
            var /= h;
            double inv = 1 / Math.sqrt(var + epsilon);
            for (int i = 0; i < h; i++) {
                out[base + i] = (v[base + i] - mean) * inv * gm[i] + bt[i];
            }
        }
        return NdArray.ofDoubles(s, out);
    }

    private static NdArray gather(Object name, NdArray data, NdArray indices, int axis) {
        long[] s = data.shapeRef();
        long n = s[axis];
        int outer = outer(s, axis);
        int inner = inner(s, axis);
        long[] idx = indices.longs();
        long[] is = indices.shapeRef();
        long[] shape = new long[s.length - 1 + is.length];
        int p = 0;
        for (int i = 0; i < axis; i++) {
            shape[p++] = s[i];
        }
        for (long d : is) {
            shape[p++] = d;
        }
        for (int i = axis + 1; i < s.length; i++) {
            shape[p++] = s[i];
        }
        int[] map = new int[outer * idx.length * inner];
        int o = 0;
        for (int a = 0; a < outer; a++) {
            for (long raw : idx) {
                long i = checkIndex(name, raw, n);
                int base = (int) ((a * n + i) * inner);
                for (int c = 0; c < inner; c++) {
                    map[o++] = base + c;
                }
            }
        }
        return gatherBy(data, shape, map);
    }

    private static NdArray scatterAddRows(Object name, NdArray like, NdArray indices, NdArray updates) {
        long[] s = like.shapeRef();
        int rows = (int) s[0];
        int row = inner(s, 0);
        double[] out = new double[rows * row];
        double[] u = updates.doubles();
        long[] idx = indices.longs();
        if ((long) idx.length * row != u.length) {
            throw new IllegalArgumentException(name + ": updates " + Arrays.toString(updates.shapeRef()) + " do not fit indices "
                    + Arrays.toString(indices.shapeRef()) + " and rows of " + Arrays.toString(s));
        }
        for (int k = 0; k < idx.length; k++) {
            int r = (int) checkIndex(name, idx[k], rows);
            for (int c = 0; c < row; c++) {
                out[r * row + c] += u[k * row + c];
            }
        }
        return NdArray.ofDoubles(s, out);
    }

    private static NdArray takeAlongLastAxis(Object name, NdArray x, NdArray index) {
        long[] s = x.shapeRef();
        int v = (int) s[s.length - 1];
        long[] idx = index.longs();
        int[] map = new int[idx.length];
        for (int r = 0; r < idx.length; r++) {
            map[r] = r * v + (int) checkIndex(name, idx[r], v);
        }
        return gatherBy(x, index.shapeRef(), map);
    }

    private static NdArray putAlongLastAxis(Object name, NdArray like, NdArray index, NdArray values) {
        long[] s = like.shapeRef();
        int v = (int) s[s.length - 1];
        long[] idx = index.longs();
        double[] out = new double[like.size()];
        double[] vals = values.doubles();
        for (int r = 0; r < idx.length; r++) {
            out[r * v + (int) checkIndex(name, idx[r], v)] = vals[r];
        }
        return NdArray.ofDoubles(s, out);
    }

    private static NdArray addAlongLastAxis(Object name, NdArray base, NdArray index, NdArray values) {
        long[] s = base.shapeRef();
        int v = (int) s[s.length - 1];
        long[] idx = index.longs();
        double[] out = base.doubles().clone();
        double[] vals = values.doubles();
        for (int r = 0; r < idx.length; r++) {
            out[r * v + (int) checkIndex(name, idx[r], v)] += vals[r];
        }
        return NdArray.ofDoubles(s, out);
    }

    private static NdArray dropout(NdArray x, long seed, double rate, long salt) {
        double[] v = x.doubles();
        double[] out = new double[v.length];
        long threshold = DropoutHash.threshold(rate);
        double scale = 1 / (1 - rate);
        int key = DropoutHash.key(seed, salt);
        for (int i = 0; i < v.length; i++) {
            out[i] = DropoutHash.keep(i, key, threshold) ? v[i] * scale : 0;
        }
        return NdArray.ofDoubles(x.shapeRef(), out);
    }

    // ---------------------------------------------------------------- index helpers

    private static long checkIndex(Object name, long raw, long n) {
        long i = raw < 0 ? raw + n : raw;
        if (i < 0 || i >= n) {
            throw new IllegalArgumentException(name + ": index " + raw + " out of range [0, " + n + ")");
        }
        return i;
    }

    /** Numpy broadcasting of two run-time shapes. */
    static long[] broadcastShape(Object name, long[] a, long[] b) {
        int rank = Math.max(a.length, b.length);
        long[] out = new long[rank];
        for (int i = 0; i < rank; i++) {
            int ia = i - (rank - a.length);
            int ib = i - (rank - b.length);
            long da = ia >= 0 ? a[ia] : 1;
            long db = ib >= 0 ? b[ib] : 1;
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(name + ": shapes " + Arrays.toString(a) + " and " + Arrays.toString(b) + " do not broadcast");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** For each element of {@code out} (row-major), the linear index of the element of a broadcast input. */
    static int[] broadcastMap(long[] in, long[] out) {
        int n = (int) HostTensor.elementCount(out);
        int inSize = (int) HostTensor.elementCount(in);
        if (inSize == n) {
            // Same element count under broadcasting means the same layout: the identity.
            int[] map = new int[n];
            for (int i = 0; i < n; i++) {
                map[i] = i;
            }
            return map;
        }
        if (inSize == 1) {
            return new int[n];
        }
        if (isSuffix(in, out)) {
            // A bias-like operand repeating along the leading axes.
            int[] map = new int[n];
            for (int i = 0; i < n; i++) {
                map[i] = i % inSize;
            }
            return map;
        }
        int[] inStrides = strides(in);
        int[] step = new int[out.length];
        int lead = out.length - in.length;
        for (int i = lead; i < out.length; i++) {
            step[i] = in[i - lead] == 1 ? 0 : inStrides[i - lead];
        }
        int[] map = new int[(int) HostTensor.elementCount(out)];
        walk(out, step, map);
        return map;
    }

    /** Whether {@code in}, without leading 1s, equals the trailing dims of {@code out}. */
    private static boolean isSuffix(long[] in, long[] out) {
        int start = 0;
        while (start < in.length && in[start] == 1) {
            start++;
        }
        int len = in.length - start;
        if (len > out.length) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (in[start + i] != out[out.length - len + i]) {
                return false;
            }
        }
        return true;
    }

    /** Fills map[i] = sum(index_d(i) * step[d]) over the row-major elements of shape. */
    private static void walk(long[] shape, int[] step, int[] map) {
        int rank = shape.length;
        int[] counter = new int[rank];
        int offset = 0;
        for (int i = 0; i < map.length; i++) {
            map[i] = offset;
            for (int d = rank - 1; d >= 0; d--) {
                counter[d]++;
                offset += step[d];
                if (counter[d] < shape[d]) {
                    break;
                }
                offset -= step[d] * counter[d];
                counter[d] = 0;
            }
        }
    }

    private static NdArray gatherBy(NdArray x, long[] shape, int[] map) {
        if (x.dtype() == DType.FLOAT32) {
            double[] v = x.doubles();
            double[] out = new double[map.length];
            for (int i = 0; i < map.length; i++) {
                out[i] = v[map[i]];
            }
            return NdArray.ofDoubles(shape, out);
        }
        long[] v = x.longs();
        long[] out = new long[map.length];
        for (int i = 0; i < map.length; i++) {
            out[i] = v[map[i]];
        }
        return x.dtype() == DType.BOOL ? NdArray.ofBools(shape, out) : NdArray.ofLongs(shape, out);
    }

    static int[] strides(long[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= (int) shape[i];
        }
        return s;
    }

    private static int outer(long[] s, int axis) {
        int n = 1;
        for (int i = 0; i < axis; i++) {
            n *= (int) s[i];
        }
        return n;
    }

    private static int inner(long[] s, int axis) {
        int n = 1;
        for (int i = axis + 1; i < s.length; i++) {
            n *= (int) s[i];
        }
        return n;
    }

    private static long clamp(long i, long size) {
        long v = i < 0 ? i + size : i;
        return Math.max(0, Math.min(size, v));
    }
}

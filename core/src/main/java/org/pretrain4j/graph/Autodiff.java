package org.pretrain4j.graph;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reverse-mode differentiation on a {@link Graph}: appends the gradient nodes of a scalar loss to
 * the loss's graph, written with the graph's own ops so that every backend runs the same rules.
 *
 * <p>Gradients flow only through FLOAT32 values and differentiable inputs: comparisons, argmax,
 * arange, casts to INT64 or BOOL, index inputs, a Where's condition, Dropout's seed and the
 * shape-only inputs of Expand, ScatterAddRows, PutAlongLastAxis and ReshapeLike, and the index
 * of AddAlongLastAxis stop them.
 * The rules emit few, large ops and reuse forward values (softmax output, exp output, ...)
 * because the result runs on ONNX Runtime, where op count matters more than arithmetic.
 */
public final class Autodiff {
    private final Graph g;
    /** Per node id: true when a FLOAT32 path leads to it from one of the wrt tensors. */
    private final boolean[] dependsOnWrt;
    private final Map<Integer, Tensor> gradients = new HashMap<>();
    /** The first part's id of every Split whose input already got its gradient. */
    private final java.util.Set<Integer> splitsDone = new java.util.HashSet<>();

    private Autodiff(Graph g, int nodeCount) {
        this.g = g;
        this.dependsOnWrt = new boolean[nodeCount];
    }

    /**
     * Gradients of {@code loss} (a FLOAT32 scalar) with respect to each of {@code wrt}, in order.
     * A wrt tensor with no differentiable path to the loss gets zeros of its shape.
     */
    public static List<Tensor> gradients(Tensor loss, List<Tensor> wrt) {
        requireNonNull(loss, "loss is null");
        requireNonNull(wrt, "wrt is null");
        if (loss.dtype() != DType.FLOAT32 || loss.rank() != 0) {
            throw new GraphException("Autodiff: loss must be a FLOAT32 scalar, got " + loss.dtype() + loss.shape());
        }
        Graph g = loss.graph();
        for (Tensor w : wrt) {
            requireNonNull(w, "wrt tensor is null");
            if (w.graph() != g) {
                throw new GraphException("Autodiff: " + w + " belongs to another graph than the loss");
            }
            if (w.dtype() != DType.FLOAT32) {
                throw new GraphException("Autodiff: cannot differentiate with respect to " + w + ": not FLOAT32");
            }
        }
        Autodiff ad = new Autodiff(g, loss.id() + 1);
        return ad.run(loss, wrt);
    }

    private List<Tensor> run(Tensor loss, List<Tensor> wrt) {
        for (Tensor w : wrt) {
            if (w.id() <= loss.id()) {
                dependsOnWrt[w.id()] = true;
            }
        }
        List<Tensor> nodes = new ArrayList<>(g.nodes().subList(0, loss.id() + 1));
        for (Tensor t : nodes) {
            if (dependsOnWrt[t.id()] || t.dtype() != DType.FLOAT32) {
                continue;
            }
            List<Tensor> ins = t.inputs();
            for (int i = 0; i < ins.size(); i++) {
                if (dependsOnWrt[ins.get(i).id()] && differentiable(t.op(), i)) {
                    dependsOnWrt[t.id()] = true;
                    break;
                }
            }
        }
        List<Tensor> result = new ArrayList<>(wrt.size());
        if (!dependsOnWrt[loss.id()]) {
            for (Tensor w : wrt) {
                result.add(zerosLike(w));
            }
            return result;
        }
        // Nodes already in the graph before the backward pass; the pass only visits these.
        gradients.put(loss.id(), g.scalar(1.0));
        for (int id = loss.id(); id >= 0; id--) {
            Tensor t = nodes.get(id);
            Tensor grad = gradients.get(id);
            if (grad == null || !dependsOnWrt[id] || t.inputs().isEmpty()) {
                continue;
            }
            backward(t, grad);
        }
        for (Tensor w : wrt) {
            Tensor grad = w.id() <= loss.id() ? gradients.get(w.id()) : null;
            result.add(grad != null ? grad : zerosLike(w));
        }
        return result;
    }

    /** Whether input {@code index} of an op carries gradient (given that it is FLOAT32). */
    private static boolean differentiable(Op op, int index) {
        if (op instanceof Op.Where) {
            return index > 0;
        }
        if (op instanceof Op.Gather || op instanceof Op.TakeAlongLastAxis || op instanceof Op.Expand
                || op instanceof Op.Dropout || op instanceof Op.ReshapeLike) {
            return index == 0;
        }
        if (op instanceof Op.ScatterAddRows || op instanceof Op.PutAlongLastAxis) {
            return index == 2;
        }
        if (op instanceof Op.AddAlongLastAxis) {
            return index != 1;
        }
        if (op instanceof Op.Compare || op instanceof Op.Logical || op instanceof Op.ArgMax || op instanceof Op.Arange) {
            return false;
        }
        if (op instanceof Op.Unary u) {
            return u.fn() != Op.UnaryFn.NOT;
        }
        return true;
    }

    private boolean wants(Tensor t, int index) {
        Tensor in = t.inputs().get(index);
        return in.dtype() == DType.FLOAT32 && dependsOnWrt[in.id()] && differentiable(t.op(), index);
    }

    private void accumulate(Tensor input, Tensor grad) {
        Tensor previous = gradients.get(input.id());
        gradients.put(input.id(), previous == null ? grad : g.add(previous, grad));
    }

    private void backward(Tensor y, Tensor dy) {
        Op op = y.op();
        List<Tensor> in = y.inputs();
        if (op instanceof Op.Unary u) {
            accumulate(in.get(0), unary(u.fn(), in.get(0), y, dy));
        } else if (op instanceof Op.Binary b) {
            binary(b.fn(), y, dy);
        } else if (op instanceof Op.Where) {
            Tensor zero = g.scalar(0);
            if (wants(y, 1)) {
                accumulate(in.get(1), unbroadcast(g.where(in.get(0), dy, zero), in.get(1)));
            }
            if (wants(y, 2)) {
                accumulate(in.get(2), unbroadcast(g.where(in.get(0), zero, dy), in.get(2)));
            }
        } else if (op instanceof Op.Cast) {
            accumulate(in.get(0), dy);
        } else if (op instanceof Op.MatMul) {
            matmul(y, dy);
        } else if (op instanceof Op.Transpose t) {
            int[] inverse = new int[t.permutation().size()];
            for (int i = 0; i < inverse.length; i++) {
                inverse[t.permutation().get(i)] = i;
            }
            accumulate(in.get(0), g.transpose(dy, inverse));
        } else if (op instanceof Op.Reshape || op instanceof Op.ReshapeLike) {
            accumulate(in.get(0), reshapeBack(dy, in.get(0)));
        } else if (op instanceof Op.Unsqueeze u) {
            accumulate(in.get(0), g.squeeze(dy, ints(u.axes())));
        } else if (op instanceof Op.Squeeze s) {
            accumulate(in.get(0), g.unsqueeze(dy, ints(s.axes())));
        } else if (op instanceof Op.Slice s) {
            accumulate(in.get(0), sliceBack(s, in.get(0), dy));
        } else if (op instanceof Op.Concat c) {
            concatBack(c, y, dy);
        } else if (op instanceof Op.Split sp) {
            splitBack(sp, y);
        } else if (op instanceof Op.Reduce r) {
            accumulate(in.get(0), reduceBack(r, in.get(0), y, dy));
        } else if (op instanceof Op.Softmax s) {
            // dx = y * (dy - sum(dy * y))
            Tensor dot = g.reduceSum(g.mul(dy, y), true, s.axis());
            accumulate(in.get(0), g.mul(y, g.sub(dy, dot)));
        } else if (op instanceof Op.LogSoftmax s) {
            if (dy.op() instanceof Op.PutAlongLastAxis && (s.axis() == -1 || s.axis() == y.rank() - 1)) {
                // Cross-entropy: dy is one value v per row at the label, so sum(dy) = v and
                // dx = -softmax(x) * v, with v added at the label: three passes over [rows, V], not six.
                Tensor index = dy.inputs().get(1);
                Tensor v = dy.inputs().get(2);
                Tensor spread = g.mul(g.exp(y), g.neg(g.unsqueeze(v, -1)));
                accumulate(in.get(0), g.addAlongLastAxis(spread, index, v));
            } else {
                // dx = dy - softmax(x) * sum(dy)
                Tensor total = g.reduceSum(dy, true, s.axis());
                accumulate(in.get(0), g.sub(dy, g.mul(g.exp(y), total)));
            }
        } else if (op instanceof Op.LayerNorm ln) {
            layerNormBack(ln, y, dy);
        } else if (op instanceof Op.InvStdDev) {
            // d s / dx = -s^3 (x - mean(x)) / n, s = 1 / sqrt(var + eps), n the axis size
            Tensor x = in.get(0);
            Tensor centered = g.sub(x, g.reduceMean(x, true, -1));
            Tensor scale = g.div(g.mul(dy, g.mul(y, g.mul(y, y))), count(x, new int[] {x.rank() - 1}));
            accumulate(x, g.neg(g.mul(centered, scale)));
        } else if (op instanceof Op.Gather ga) {
            if (ga.axis() != 0) {
                throw new GraphException("Autodiff: Gather on axis " + ga.axis() + " is not supported, only axis 0: " + y);
            }
            accumulate(in.get(0), g.scatterAddRows(in.get(0), in.get(1), dy));
        } else if (op instanceof Op.ScatterAddRows) {
            accumulate(in.get(2), g.gather(dy, in.get(1), 0));
        } else if (op instanceof Op.TakeAlongLastAxis) {
            accumulate(in.get(0), g.putAlongLastAxis(in.get(0), in.get(1), dy));
        } else if (op instanceof Op.PutAlongLastAxis) {
            accumulate(in.get(2), g.takeAlongLastAxis(dy, in.get(1)));
        } else if (op instanceof Op.AddAlongLastAxis) {
            if (wants(y, 0)) {
                accumulate(in.get(0), dy);
            }
            if (wants(y, 2)) {
                accumulate(in.get(2), g.takeAlongLastAxis(dy, in.get(1)));
            }
        } else if (op instanceof Op.Expand) {
            accumulate(in.get(0), unbroadcast(dy, in.get(0)));
        } else if (op instanceof Op.Dropout d) {
            // The mask depends only on (seed, salt, element index): the same op masks and scales the gradient.
            accumulate(in.get(0), g.node(d, List.of(dy, in.get(1)), dy.dtype(), dy.shape()));
        } else {
            throw new GraphException("Autodiff: no gradient rule for " + y);
        }
    }

    private Tensor unary(Op.UnaryFn fn, Tensor x, Tensor y, Tensor dy) {
        switch (fn) {
            case NEG:
                return g.neg(dy);
            case EXP:
                return g.mul(dy, y);
            case LOG:
                return g.div(dy, x);
            case SQRT:
                return g.div(g.mul(dy, g.scalar(0.5)), y);
            case TANH:
                return g.mul(dy, g.sub(g.scalar(1), g.mul(y, y)));
            case ERF:
                // d erf(x) = 2/sqrt(pi) exp(-x^2)
                return g.mul(dy, g.mul(g.exp(g.neg(g.mul(x, x))), g.scalar(2 / Math.sqrt(Math.PI))));
            case GELU: {
                // d (x Phi(x)) = Phi(x) + x phi(x), Phi(x) = (1 + erf(x / sqrt 2)) / 2, phi(x) = exp(-x^2/2) / sqrt(2 pi)
                Tensor cdf = g.mul(g.add(g.erf(g.mul(x, g.scalar(Math.sqrt(0.5)))), g.scalar(1)), g.scalar(0.5));
                Tensor pdf = g.exp(g.mul(g.mul(x, x), g.scalar(-0.5)));
                Tensor xPdf = g.mul(g.mul(x, pdf), g.scalar(1 / Math.sqrt(2 * Math.PI)));
                return g.mul(dy, g.add(cdf, xPdf));
            }
            case GELU_TANH: {
                // u = c (x + a x^3), t = tanh u: d = 0.5 (1 + t) + 0.5 x (1 - t^2) c (1 + 3 a x^2)
                double c = Math.sqrt(2 / Math.PI);
                double a = 0.044715;
                Tensor x2 = g.mul(x, x);
                Tensor t = g.tanh(g.mul(g.add(x, g.mul(g.mul(x2, x), g.scalar(a))), g.scalar(c)));
                Tensor outer = g.mul(g.add(t, g.scalar(1)), g.scalar(0.5));
                Tensor inner = g.mul(g.mul(g.mul(x, g.sub(g.scalar(1), g.mul(t, t))), g.scalar(0.5 * c)),
                        g.add(g.mul(x2, g.scalar(3 * a)), g.scalar(1)));
                return g.mul(dy, g.add(outer, inner));
            }
            default:
                throw new GraphException("Autodiff: " + fn + " is not differentiable");
        }
    }

    private void binary(Op.BinaryFn fn, Tensor y, Tensor dy) {
        Tensor a = y.inputs().get(0);
        Tensor b = y.inputs().get(1);
        boolean wa = wants(y, 0);
        boolean wb = wants(y, 1);
        switch (fn) {
            case ADD:
                if (wa) accumulate(a, unbroadcast(dy, a));
                if (wb) accumulate(b, unbroadcast(dy, b));
                break;
            case SUB:
                if (wa) accumulate(a, unbroadcast(dy, a));
                if (wb) accumulate(b, g.neg(unbroadcast(dy, b)));
                break;
            case MUL:
                if (wa) accumulate(a, unbroadcast(g.mul(dy, b), a));
                if (wb) accumulate(b, unbroadcast(g.mul(dy, a), b));
                break;
            case DIV: {
                Tensor da = g.div(dy, b);
                if (wa) accumulate(a, unbroadcast(da, a));
                // d(a/b)/db = -(a/b)/b: reuse the forward quotient and dy/b
                if (wb) accumulate(b, g.neg(unbroadcast(g.mul(da, y), b)));
                break;
            }
            case MAX:
            case MIN: {
                // Ties send the whole gradient to a, as the first argument wins a tie.
                Tensor aWins = fn == Op.BinaryFn.MAX ? g.greaterOrEqual(a, b) : g.lessOrEqual(a, b);
                Tensor zero = g.scalar(0);
                if (wa) accumulate(a, unbroadcast(g.where(aWins, dy, zero), a));
                if (wb) accumulate(b, unbroadcast(g.where(aWins, zero, dy), b));
                break;
            }
            default:
                throw new GraphException("Autodiff: no rule for " + fn);
        }
    }

    private void matmul(Tensor y, Tensor dy) {
        Tensor a = y.inputs().get(0);
        Tensor b = y.inputs().get(1);
        if (wants(y, 0)) {
            accumulate(a, unbroadcast(g.matmul(dy, g.transposeLastTwo(b)), a));
        }
        if (wants(y, 1)) {
            Dim k = a.shape().dim(-1);
            Dim n = dy.shape().dim(-1);
            Tensor w = b.op() instanceof Op.Transpose t && b.rank() == 2 && t.permutation().equals(List.of(1, 0))
                    ? b.inputs().get(0) : null;
            if (w != null && w.dtype() == DType.FLOAT32 && dependsOnWrt[w.id()] && k.isFixed() && n.isFixed()) {
                // x transpose(W), as a tied decoder: W's gradient as dy^T x, [n, rows] x [rows, k], instead of
                // (x^T dy) and a transpose of the [k, n] result (a copy of the whole table).
                Tensor rowsA = a.rank() == 2 ? a : g.reshape(a, -1, k.size());
                Tensor rowsDy = dy.rank() == 2 ? dy : g.reshape(dy, -1, n.size());
                accumulate(w, g.matmul(g.transposeLastTwo(rowsDy), rowsA));
            } else if (b.rank() == 2 && a.rank() > 2 && k.isFixed() && n.isFixed()) {
                // A shared weight under batched rows: one [k, rows] x [rows, n] product instead of a batch and a sum.
                Tensor rowsA = g.reshape(a, -1, k.size());
                Tensor rowsDy = g.reshape(dy, -1, n.size());
                accumulate(b, g.matmul(g.transposeLastTwo(rowsA), rowsDy));
            } else {
                accumulate(b, unbroadcast(g.matmul(g.transposeLastTwo(a), dy), b));
            }
        }
    }

    /** Sums a gradient over the axes along which {@code input} was broadcast, giving it input's shape. */
    private Tensor unbroadcast(Tensor grad, Tensor input) {
        Shape gs = grad.shape();
        Shape xs = input.shape();
        int lead = gs.rank() - xs.rank();
        if (lead < 0) {
            // The gradient is smaller than the input (the input was the larger side of a broadcast that a rule collapsed).
            return g.expand(grad, input);
        }
        List<Integer> axes = new ArrayList<>();
        boolean innerAxes = false;
        for (int i = 0; i < gs.rank(); i++) {
            if (i < lead) {
                axes.add(i);
                continue;
            }
            Dim xd = xs.dim(i - lead);
            Dim gd = gs.dim(i);
            if (xd.isFixed() && xd.size() == 1 && !(gd.isFixed() && gd.size() == 1)) {
                axes.add(i);
                innerAxes = true;
            }
        }
        if (axes.isEmpty()) {
            return grad;
        }
        int[] ax = ints(axes);
        if (!innerAxes) {
            return g.reduceSum(grad, false, ax);
        }
        Tensor summed = g.reduceSum(grad, true, ax);
        if (lead == 0) {
            return summed;
        }
        int[] leading = new int[lead];
        for (int i = 0; i < lead; i++) {
            leading[i] = i;
        }
        return g.squeeze(summed, leading);
    }

    /** Reshapes a gradient back to the input's shape, statically when the input's dims allow it. */
    private Tensor reshapeBack(Tensor grad, Tensor input) {
        Shape xs = input.shape();
        Shape gs = grad.shape();
        long[] spec = new long[xs.rank()];
        boolean inferred = false;
        for (int i = 0; i < xs.rank(); i++) {
            Dim d = xs.dim(i);
            if (d.isFixed()) {
                spec[i] = d.size();
            } else if (i < gs.rank() && d.equals(gs.dim(i))) {
                spec[i] = 0;
            } else if (!inferred) {
                spec[i] = -1;
                inferred = true;
            } else {
                return g.reshapeLike(grad, input);
            }
        }
        try {
            Tensor r = g.reshape(grad, spec);
            if (r.shape().equals(xs)) {
                return r;
            }
        } catch (GraphException e) {
            // The static spec cannot express this shape; fall through to the run-time shape.
        }
        return g.reshapeLike(grad, input);
    }

    private Tensor sliceBack(Op.Slice s, Tensor x, Tensor dy) {
        int axis = s.axis();
        Dim n = x.shape().dim(axis);
        long start = s.start();
        long end = s.end();
        if (n.isFixed()) {
            long size = n.size();
            long st = clamp(start, size);
            long en = end == Long.MAX_VALUE ? size : clamp(end, size);
            if (en <= st) {
                return zerosLike(x);
            }
            start = st;
            end = en == size ? Long.MAX_VALUE : en;
        }
        List<Tensor> parts = new ArrayList<>(3);
        if (start != 0) {
            parts.add(zerosLike(g.slice(x, axis, 0, start)));
        }
        parts.add(dy);
        if (end != Long.MAX_VALUE) {
            parts.add(zerosLike(g.slice(x, axis, end, Long.MAX_VALUE)));
        }
        return parts.size() == 1 ? dy : g.concat(axis, parts.toArray(new Tensor[0]));
    }

    /**
     * The input's gradient is one Concat of the parts' gradients (zeros for a part without one). The
     * parts are consecutive nodes whose consumers all come after the last part, so when the first
     * part is visited (the highest id with a gradient) every part's gradient is complete; the
     * others are then skipped.
     */
    private void splitBack(Op.Split sp, Tensor part) {
        int first = part.id() - sp.index();
        if (!splitsDone.add(first)) {
            return;
        }
        Tensor x = part.inputs().get(0);
        Tensor[] pieces = new Tensor[sp.sizes().size()];
        for (int i = 0; i < pieces.length; i++) {
            Tensor sibling = g.nodes().get(first + i);
            Tensor grad = gradients.get(sibling.id());
            pieces[i] = grad != null ? grad : zerosLike(sibling);
        }
        accumulate(x, g.concat(sp.axis(), pieces));
    }

    private void concatBack(Op.Concat c, Tensor y, Tensor dy) {
        int axis = c.axis();
        List<Tensor> parts = y.inputs();
        // Offsets from the start while every earlier part is fixed, else from the end while every later part is.
        long[] fromStart = new long[parts.size()];
        long[] fromEnd = new long[parts.size()];
        boolean startKnown = true;
        for (int i = 0; i < parts.size(); i++) {
            fromStart[i] = startKnown ? 0 : -1;
            if (startKnown && i > 0) {
                fromStart[i] = fromStart[i - 1] + parts.get(i - 1).shape().dim(axis).fixedSize();
            }
            if (!parts.get(i).shape().dim(axis).isFixed()) {
                startKnown = false;
            }
        }
        boolean endKnown = true;
        long after = 0;
        for (int i = parts.size() - 1; i >= 0; i--) {
            fromEnd[i] = endKnown ? after : -1;
            Dim d = parts.get(i).shape().dim(axis);
            if (d.isFixed() && endKnown) {
                after += d.size();
            } else {
                endKnown = false;
            }
        }
        for (int i = 0; i < parts.size(); i++) {
            if (!wants(y, i)) {
                continue;
            }
            Tensor part = parts.get(i);
            Dim d = part.shape().dim(axis);
            Tensor piece;
            if (fromStart[i] >= 0 && d.isFixed()) {
                piece = g.slice(dy, axis, fromStart[i], fromStart[i] + d.size());
            } else if (fromStart[i] >= 0 && fromEnd[i] >= 0) {
                piece = g.slice(dy, axis, fromStart[i], fromEnd[i] == 0 ? Long.MAX_VALUE : -fromEnd[i]);
            } else if (fromEnd[i] >= 0 && d.isFixed()) {
                piece = g.slice(dy, axis, -(fromEnd[i] + d.size()), fromEnd[i] == 0 ? Long.MAX_VALUE : -fromEnd[i]);
            } else {
                throw new GraphException("Autodiff: Concat on axis " + axis + " of more than one symbolic part is not supported: " + y);
            }
            accumulate(part, piece);
        }
    }

    private Tensor reduceBack(Op.Reduce r, Tensor x, Tensor y, Tensor dy) {
        int[] axes = ints(r.axes());
        Tensor kept = r.keepDims() || axes.length == 0 ? dy : g.unsqueeze(dy, axes);
        switch (r.fn()) {
            case SUM:
                return g.expand(kept, x);
            case MEAN:
                return g.expand(g.div(kept, count(x, axes)), x);
            case MAX: {
                Tensor max = r.keepDims() || axes.length == 0 ? y : g.unsqueeze(y, axes);
                // Every element equal to the maximum gets the gradient (ties are measure-zero for real inputs).
                return g.where(g.equal(x, max), kept, g.scalar(0));
            }
            default:
                throw new GraphException("Autodiff: no rule for Reduce" + r.fn());
        }
    }

    /** The number of elements a reduction over {@code axes} of x combines, as a FLOAT32 scalar. */
    private Tensor count(Tensor x, int[] axes) {
        long fixed = 1;
        Tensor symbolic = null;
        for (int a : axes) {
            Dim d = x.shape().dim(a);
            if (d.isFixed()) {
                fixed *= d.size();
            } else {
                // The run-time size of a symbolic axis, without a Shape op: the sum of ones along it.
                Tensor ones = g.expand(g.scalar(1), g.cast(g.arange(x, a), DType.FLOAT32));
                Tensor n = g.reduceSum(ones, false, 0);
                symbolic = symbolic == null ? n : g.mul(symbolic, n);
            }
        }
        Tensor c = g.scalar(fixed);
        return symbolic == null ? c : g.mul(symbolic, c);
    }

    private void layerNormBack(Op.LayerNorm ln, Tensor y, Tensor dy) {
        Tensor x = y.inputs().get(0);
        Tensor gamma = y.inputs().get(1);
        Tensor beta = y.inputs().get(2);
        // The normalised input from the forward's own statistics (the mean and InvStdDev of the same
        // x: ONNX LayerNormalization's Mean and InvStdDev outputs), two passes instead of recomputing
        // mean, centring, variance and 1/std with five.
        Tensor invStd = g.invStdDev(x, ln.epsilon());
        Tensor normalized = g.mul(g.sub(x, g.reduceMean(x, true, -1)), invStd);
        if (wants(y, 1)) {
            accumulate(gamma, unbroadcast(g.mul(dy, normalized), gamma));
        }
        if (wants(y, 2)) {
            accumulate(beta, unbroadcast(dy, beta));
        }
        if (wants(y, 0)) {
            // dx = invStd * (dn - mean(dn) - n * mean(dn * n)), dn = dy * gamma
            Tensor dn = g.mul(dy, gamma);
            Tensor meanDn = g.reduceMean(dn, true, -1);
            Tensor meanDnN = g.reduceMean(g.mul(dn, normalized), true, -1);
            Tensor inner = g.sub(g.sub(dn, meanDn), g.mul(normalized, meanDnN));
            accumulate(x, g.mul(inner, invStd));
        }
    }

    private Tensor zerosLike(Tensor x) {
        return g.expand(g.scalar(0), x);
    }

    private static long clamp(long i, long size) {
        long v = i < 0 ? i + size : i;
        return Math.max(0, Math.min(size, v));
    }

    private static int[] ints(List<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).toArray();
    }
}

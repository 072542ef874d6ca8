package org.pretrain4j.graph;

import java.util.List;

/**
 * The operations of the graph. Each record is one node kind with its attributes; inputs are
 * held by {@link Tensor}. Semantics follow ONNX where ONNX has the op (broadcasting, MatMul,
 * Gather, Reshape with 0 = copy and -1 = infer, Unsqueeze axes in output positions).
 * Every backend and the reference interpreter implement exactly these; autodiff rules are written
 * in terms of them.
 */
public sealed interface Op {

    /** A value fed at run time, by name. */
    record Input(String name) implements Op {}

    /**
     * State kept inside the backend between runs (parameters, optimizer moments).
     * {@code trainable} variables get gradients; {@code weightDecay} is false for biases and LayerNorm.
     */
    record Variable(String name, Init init, boolean trainable, boolean weightDecay) implements Op {}

    /** A constant baked into the graph. */
    record Constant(HostTensor value) implements Op {}

    /** Elementwise function of one float input (NOT takes BOOL). */
    record Unary(UnaryFn fn) implements Op {}

    /** Elementwise arithmetic with numpy broadcasting; both inputs have the same dtype. */
    record Binary(BinaryFn fn) implements Op {}

    /** Elementwise comparison with broadcasting; the result is BOOL. */
    record Compare(CompareFn fn) implements Op {}

    /** Elementwise logical AND / OR of two BOOL inputs with broadcasting. */
    record Logical(boolean and) implements Op {}

    /** {@code where(condition, whenTrue, whenFalse)} with broadcasting. */
    record Where() implements Op {}

    /** Converts the element type. */
    record Cast(DType to) implements Op {}

    /** Batched matrix product with broadcast batch dims, ONNX MatMul for rank >= 2. */
    record MatMul() implements Op {}

    /** Permutes the axes. */
    record Transpose(List<Integer> permutation) implements Op {}

    /** ONNX Reshape: 0 copies the input dim at the same index, -1 is inferred. */
    record Reshape(List<Long> spec) implements Op {}

    /**
     * Reshapes input 0 to the run-time shape of input 1 (same element count); ONNX
     * {@code Reshape(x, Shape(like))}. Autodiff emits it to undo a reshape whose symbolic dims a
     * static {@link Reshape} spec cannot express (e.g. {@code [b*s, h]} back to {@code [b, s, h]}).
     */
    record ReshapeLike() implements Op {}

    /** Inserts size-1 axes at the given output positions. */
    record Unsqueeze(List<Integer> axes) implements Op {}

    /** Removes the given size-1 axes. */
    record Squeeze(List<Integer> axes) implements Op {}

    /** Static slice {@code [start, end)} along one axis; negative bounds count from the end; end may be Long.MAX_VALUE. */
    record Slice(int axis, long start, long end) implements Op {}

    /** Concatenates along an axis. */
    record Concat(int axis) implements Op {}

    /** Sum, mean or max over axes. */
    record Reduce(ReduceFn fn, List<Integer> axes, boolean keepDims) implements Op {}

    /** Index of the maximum along an axis (first on ties); INT64. */
    record ArgMax(int axis, boolean keepDims) implements Op {}

    /** Softmax along an axis. */
    record Softmax(int axis) implements Op {}

    /** Log-softmax along an axis. */
    record LogSoftmax(int axis) implements Op {}

    /** Layer normalisation over the last axis: inputs x, gamma, beta. */
    record LayerNorm(double epsilon) implements Op {}

    /** ONNX Gather: inputs data, indices (INT64). */
    record Gather(int axis) implements Op {}

    /** Zeros shaped like input 0, with rows of input 2 added at the row indices of input 1 (duplicates accumulate). */
    record ScatterAddRows() implements Op {}

    /** {@code y[...] = x[..., index[...]]}: inputs x [..., V], index [...] INT64. */
    record TakeAlongLastAxis() implements Op {}

    /** Zeros shaped like input 0 [..., V] with {@code y[..., index[...]] = values[...]}. */
    record PutAlongLastAxis() implements Op {}

    /** Input 0 [..., V] with {@code values[...]} added at {@code y[..., index[...]]}: inputs base, index [...] INT64, values [...]. */
    record AddAlongLastAxis() implements Op {}

    /** Broadcasts input 0 to the shape of input 1. */
    record Expand() implements Op {}

    /** INT64 {@code [0, n)} where n is dim {@code axis} of the input. */
    record Arange(int axis) implements Op {}

    /**
     * Inverted dropout keyed by a step seed: inputs x and seed (INT64 scalar in [0, 2^31)).
     * Element i (row-major linear index) is kept when {@link DropoutHash#keep}(i,
     * {@link DropoutHash#key}(seed, salt), {@link DropoutHash#threshold}(rate)); kept values are
     * scaled by 1 / (1 - rate).
     * Applying the op to a gradient with the same seed and shape gives the backward pass.
     */
    record Dropout(double rate, long salt) implements Op {}

    /** Unary functions. */
    enum UnaryFn { NEG, EXP, LOG, SQRT, TANH, ERF, GELU, GELU_TANH, NOT }

    /** Binary arithmetic. */
    enum BinaryFn { ADD, SUB, MUL, DIV, MAX, MIN }

    /** Comparisons. */
    enum CompareFn { EQUAL, LESS, LESS_OR_EQUAL, GREATER, GREATER_OR_EQUAL }

    /** Reductions. */
    enum ReduceFn { SUM, MEAN, MAX }
}

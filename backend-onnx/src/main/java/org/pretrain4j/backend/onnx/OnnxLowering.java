package org.pretrain4j.backend.onnx;

import static java.util.Objects.requireNonNull;
import static org.pretrain4j.backend.onnx.model.OnnxModelBuilder.attr;
import static org.pretrain4j.backend.onnx.model.OnnxModelBuilder.attrInts;
import static org.pretrain4j.backend.onnx.model.OnnxModelBuilder.attrTensor;

import ai.onnx.proto.OnnxMl;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pretrain4j.backend.onnx.model.OnnxModelBuilder;
import org.pretrain4j.graph.DType;
import org.pretrain4j.graph.Dim;
import org.pretrain4j.graph.DropoutHash;
import org.pretrain4j.graph.GraphException;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.graph.Op;
import org.pretrain4j.graph.Program;
import org.pretrain4j.graph.Shape;
import org.pretrain4j.graph.StateUpdate;
import org.pretrain4j.graph.Tensor;

/**
 * Lowers a {@link Program} to an ONNX model with standard ops only (default domain, opset 17).
 * Program inputs keep their names, outputs get their program names, and each state update's next
 * value becomes the output {@link #nextStateName(String)}. Variables become graph inputs (training)
 * or float32 initializers holding given values (export).
 */
public final class OnnxLowering {
    private static final String NEXT_PREFIX = "next_state:";
    /** Tables of at most this many rows take their row-sum gradient as a one-hot Gemm. */
    private static final long SMALL_TABLE_ROWS = 16;

    private final Program program;
    private final Options options;
    private final OnnxModelBuilder builder;
    private final Map<Integer, String> names = new HashMap<>();
    private final Map<Integer, String> directOutputs = new HashMap<>();
    /** Keep masks already drawn, by (seed, salt, rate, shape): the backward pass reuses the forward mask. */
    private final Map<List<Object>, String> dropoutMasks = new HashMap<>();
    private final List<HostMask> hostMasks = new ArrayList<>();
    /** InvStdDev outputs of LayerNormalization nodes, by (x id, epsilon). */
    private final Map<List<Object>, String> invStdDevs = new HashMap<>();
    private java.util.Set<List<Object>> statisticsWanted;
    /** Training graphs: dense products lowered as Gemm, by Add id, and their biases, by MatMul id. */
    private Map<Integer, Tensor> denseProducts;
    private Map<Integer, Tensor> gemmBiases;
    /** The run-time output shapes of those Gemms, by (x name, N). */
    private final Map<List<Object>, String> denseShapes = new HashMap<>();
    /** Mean outputs of those LayerNormalization nodes, by x id: a keep-dims ReduceMean of x over the last axis takes it. */
    private final Map<Integer, String> layerNormMeans = new HashMap<>();

    /**
     * How to lower: variable values to bake in as initializers (null keeps variables as graph
     * inputs), whether to declare every Input node of the graph even when unused, output dims to
     * declare instead of the inferred ones, and metadata properties.
     */
    public record Options(Map<String, HostTensor> variableValues, boolean declareUnusedInputs,
                          Map<String, List<Dim>> outputDims, Map<String, String> metadata, String graphName) {
        public Options {
            variableValues = variableValues == null ? null : Map.copyOf(variableValues);
            outputDims = Map.copyOf(outputDims);
            metadata = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
            requireNonNull(graphName, "graphName is null");
        }

        /** Options for a training or evaluation step: variables are inputs. */
        public static Options training(String graphName) {
            return new Options(null, false, Map.of(), Map.of(), graphName);
        }
    }

    /**
     * A dropout mask the executable draws on the host and feeds as the FLOAT input {@code input}:
     * element i is {@code scale} = 1 / (1 - rate) when {@link DropoutHash#keep}(i,
     * {@link DropoutHash#key}(seed, salt), threshold) and 0 otherwise, so dropout is one Mul, with
     * the seed read from the INT64 scalar input {@code seedInput}. When every dim is fixed or an
     * input's symbol ({@code flat} false) the mask has the tensor's shape. Otherwise ({@code flat}
     * true: a dim derived by slicing or concatenating, such as {@code 1+sequence_length}) it is a 1-D
     * mask at least as long as the tensor, which the graph cuts to the tensor's size and reshapes: the
     * mask of element i depends on i alone, so the prefix is exact.
     */
    public record HostMask(String input, String seedInput, long salt, long threshold, float scale, List<Dim> dims, boolean flat) {
        public HostMask {
            dims = List.copyOf(dims);
        }

        /** The elements the mask needs for the input dims {@code symbols}: exact, or an upper bound when flat. */
        public long[] shape(Map<String, Long> symbols) {
            long[] shape = new long[dims.size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = dims.get(i).isFixed() ? dims.get(i).size() : bound(dims.get(i).symbol(), symbols);
            }
            if (!flat) {
                return shape;
            }
            long n = 1;
            for (long d : shape) {
                n = Math.multiplyExact(n, d);
            }
            return new long[] {n};
        }

        /**
         * An upper bound of a dim symbol: the sum of its terms, each a number or an input's symbol,
         * slices ({@code [start:end]}) dropped since they only shorten.
         */
        static long bound(String symbol, Map<String, Long> symbols) {
            long sum = 0;
            for (String term : symbol.replaceAll("\\[[^\\]]*\\]", "").split("\\+")) {
                String t = term.trim();
                if (t.matches("\\d+")) {
                    sum += Long.parseLong(t);
                } else {
                    Long size = symbols.get(t);
                    if (size == null) {
                        throw new IllegalStateException("dropout mask dim '" + symbol + "' uses '" + t + "', which is not the dim of any input");
                    }
                    sum += size;
                }
            }
            return sum;
        }
    }

    /** The lowered model and the names the executable binds. */
    public record Lowered(OnnxMl.ModelProto model, List<Tensor> inputs, List<Tensor> variables,
                          Map<String, String> stateOutputs, List<HostMask> hostMasks) {}

    private OnnxLowering(Program program, Options options) {
        this.program = requireNonNull(program, "program is null");
        this.options = requireNonNull(options, "options is null");
        this.builder = new OnnxModelBuilder(options.graphName());
    }

    /** The ONNX output name of a state update's next value. */
    public static String nextStateName(String variable) {
        return NEXT_PREFIX + variable;
    }

    /** Lowers a program; fails with a {@link GraphException} naming the op that cannot be lowered. */
    public static Lowered lower(Program program, Options options) {
        return new OnnxLowering(program, options).run();
    }

    private Lowered run() {
        options.metadata().forEach(builder::metadata);
        List<Tensor> nodes = program.nodes();
        List<Tensor> inputs = new ArrayList<>();
        if (options.declareUnusedInputs()) {
            for (Tensor t : program.graph().nodes()) {
                if (t.op() instanceof Op.Input) {
                    inputs.add(t);
                }
            }
        } else {
            inputs.addAll(program.inputs());
        }
        List<Tensor> variables = program.variables();

        // Outputs and next-state values computed by a node take the exported name directly (no Identity copy).
        Map<String, Tensor> outputs = program.outputs();
        for (Map.Entry<String, Tensor> e : outputs.entrySet()) {
            claim(e.getValue(), e.getKey());
        }
        Map<String, String> stateOutputs = new LinkedHashMap<>();
        for (StateUpdate u : program.updates()) {
            String name = nextStateName(u.variable().name());
            if (stateOutputs.put(u.variable().name(), name) != null) {
                throw new GraphException("variable '" + u.variable().name() + "' has two state updates");
            }
            claim(u.next(), name);
        }

        for (Tensor in : inputs) {
            builder.input(in.name(), in.dtype(), in.shape().dims());
            names.put(in.id(), in.name());
        }
        for (Tensor v : variables) {
            if (options.variableValues() == null) {
                builder.input(v.name(), v.dtype(), v.shape().dims());
            } else {
                HostTensor value = options.variableValues().get(v.name());
                if (value == null) {
                    throw new GraphException("no value for variable '" + v.name() + "'");
                }
                if (!java.util.Arrays.equals(value.shape(), v.shape().fixedSizes()) || value.dtype() != v.dtype()) {
                    throw new GraphException("value of variable '" + v.name() + "' is " + value + ", expected " + v.dtype() + v.shape());
                }
                builder.initializer(v.name(), value);
            }
            names.put(v.id(), v.name());
        }
        for (Tensor t : nodes) {
            if (!names.containsKey(t.id())) {
                names.put(t.id(), lowerNode(t));
            }
        }

        for (Map.Entry<String, Tensor> e : outputs.entrySet()) {
            bindOutput(e.getKey(), e.getValue(), options.outputDims().getOrDefault(e.getKey(), e.getValue().shape().dims()));
        }
        for (StateUpdate u : program.updates()) {
            bindOutput(stateOutputs.get(u.variable().name()), u.next(), u.next().shape().dims());
        }
        return new Lowered(builder.build(), List.copyOf(inputs), List.copyOf(variables), stateOutputs, List.copyOf(hostMasks));
    }

    private void claim(Tensor t, String outputName) {
        boolean leaf = t.op() instanceof Op.Input || t.op() instanceof Op.Variable || t.op() instanceof Op.Constant;
        if (!leaf && !directOutputs.containsKey(t.id())) {
            directOutputs.put(t.id(), builder.reserve(outputName));
        }
    }

    private void bindOutput(String outputName, Tensor t, List<Dim> dims) {
        String value = names.get(t.id());
        if (!value.equals(outputName)) {
            builder.nodeTo("Identity", List.of(value), outputName);
        }
        builder.output(outputName, t.dtype(), dims);
    }

    /** The name the node's value is written to: its claimed output name, else a fresh one. */
    private String target(Tensor t, String hint) {
        String direct = directOutputs.get(t.id());
        return direct != null ? direct : builder.freshName(hint);
    }

    private String in(Tensor t, int i) {
        return names.get(t.inputs().get(i).id());
    }

    private String emit(Tensor t, String opType, List<String> inputs, OnnxMl.AttributeProto... attributes) {
        String direct = directOutputs.get(t.id());
        if (direct == null) {
            return builder.node(opType, inputs, attributes);
        }
        builder.addNode("", opType, inputs, List.of(direct), attributes);
        return direct;
    }

    private String lowerNode(Tensor t) {
        Op op = t.op();
        if (op instanceof Op.Constant c) {
            String constName = builder.constant(c.value());
            return constName;
        }
        if (op instanceof Op.Unary u) {
            return unary(t, u.fn());
        }
        if (op instanceof Op.Binary b) {
            Tensor product = denseProducts().get(t.id());
            if (product != null) {
                return denseAsGemm(t, product);
            }
            return emit(t, binaryOp(b.fn()), List.of(in(t, 0), in(t, 1)));
        }
        if (op instanceof Op.Compare c) {
            return emit(t, compareOp(c.fn()), List.of(in(t, 0), in(t, 1)));
        }
        if (op instanceof Op.Logical l) {
            return emit(t, l.and() ? "And" : "Or", List.of(in(t, 0), in(t, 1)));
        }
        if (op instanceof Op.Where) {
            return emit(t, "Where", List.of(in(t, 0), in(t, 1), in(t, 2)));
        }
        if (op instanceof Op.Cast c) {
            return emit(t, "Cast", List.of(in(t, 0)), attr("to", (long) OnnxModelBuilder.elementType(c.to())));
        }
        if (op instanceof Op.MatMul) {
            if (gemmBiases().containsKey(t.id())) {
                // Lowered with its bias Add, as one Gemm (see denseAsGemm); nothing reads it otherwise.
                return "";
            }
            Tensor a = t.inputs().get(0);
            Tensor b = t.inputs().get(1);
            boolean transA = isTranspose2d(a);
            boolean transB = isTranspose2d(b);
            if (options.variableValues() == null && a.rank() == 2 && b.rank() == 2 && (transA || transB) && t.dtype() == DType.FLOAT32) {
                // A transposed 2-D operand (a weight gradient dy^T x, a tied decoder's E^T) read in place through
                // Gemm's transA/transB: ONNX Runtime fuses such a Transpose into MatMul, but not once it has
                // fused the MatMul with a following Add into a Gemm, and the copy was 64 MB for small clm's logits.
                String left = transA ? names.get(a.inputs().get(0).id()) : in(t, 0);
                String right = transB ? names.get(b.inputs().get(0).id()) : in(t, 1);
                return emit(t, "Gemm", List.of(left, right), attr("transA", transA ? 1L : 0L), attr("transB", transB ? 1L : 0L));
            }
            return emit(t, "MatMul", List.of(in(t, 0), in(t, 1)));
        }
        if (op instanceof Op.Transpose tr) {
            return emit(t, "Transpose", List.of(in(t, 0)), attrInts("perm", tr.permutation()));
        }
        if (op instanceof Op.Reshape r) {
            long[] spec = r.spec().stream().mapToLong(Long::longValue).toArray();
            return emit(t, "Reshape", List.of(in(t, 0), builder.longs(spec)), attr("allowzero", 0L));
        }
        if (op instanceof Op.ReshapeLike) {
            String shape = builder.node("Shape", List.of(in(t, 1)));
            return emit(t, "Reshape", List.of(in(t, 0), shape), attr("allowzero", 0L));
        }
        if (op instanceof Op.Unsqueeze u) {
            return emit(t, "Unsqueeze", List.of(in(t, 0), builder.longs(toLongs(u.axes()))));
        }
        if (op instanceof Op.Squeeze s) {
            return emit(t, "Squeeze", List.of(in(t, 0), builder.longs(toLongs(s.axes()))));
        }
        if (op instanceof Op.Slice s) {
            return emit(t, "Slice", List.of(in(t, 0), builder.longs(s.start()), builder.longs(s.end()), builder.longs(s.axis())));
        }
        if (op instanceof Op.Split sp) {
            return split(t, sp);
        }
        if (op instanceof Op.Concat c) {
            List<String> ins = new ArrayList<>();
            for (int i = 0; i < t.inputs().size(); i++) {
                ins.add(in(t, i));
            }
            return emit(t, "Concat", ins, attr("axis", (long) c.axis()));
        }
        if (op instanceof Op.Reduce r) {
            return reduce(t, r);
        }
        if (op instanceof Op.ArgMax a) {
            return emit(t, "ArgMax", List.of(in(t, 0)), attr("axis", (long) a.axis()), attr("keepdims", a.keepDims() ? 1L : 0L));
        }
        if (op instanceof Op.Softmax s) {
            return emit(t, "Softmax", List.of(in(t, 0)), attr("axis", (long) s.axis()));
        }
        if (op instanceof Op.LogSoftmax s) {
            return emit(t, "LogSoftmax", List.of(in(t, 0)), attr("axis", (long) s.axis()));
        }
        if (op instanceof Op.LayerNorm ln) {
            return layerNorm(t, ln);
        }
        if (op instanceof Op.InvStdDev sd) {
            return invStdDev(t, sd);
        }
        if (op instanceof Op.Gather g) {
            return emit(t, "Gather", List.of(in(t, 0), in(t, 1)), attr("axis", (long) g.axis()));
        }
        if (op instanceof Op.ScatterAddRows) {
            Dim tableRows = t.shape().dim(0);
            if (tableRows.isFixed() && tableRows.size() <= SMALL_TABLE_ROWS && t.rank() == 2 && t.dtype() == DType.FLOAT32) {
                return oneHotRowSums(t, tableRows.size());
            }
            // Not ScatterND with reduction add: ONNX Runtime's CPU kernel splits the updates across
            // threads that add into shared rows without synchronisation, so a token seen twice in a
            // batch got a gradient that changed from run to run (and could lose an addition).
            // ScatterElements along axis 0 with the row index repeated across the row gives each
            // thread its own columns and adds the rows in order: the same sums on every run.
            String zeros = zerosLike(in(t, 0));
            String rowShape = builder.node("Concat", List.of(builder.longs(-1),
                    builder.node("Shape", List.of(in(t, 0)), attr("start", 1L))), attr("axis", 0L));
            String rows = builder.node("Reshape", List.of(in(t, 2), rowShape));
            long[] indexShape = new long[t.rank()];
            java.util.Arrays.fill(indexShape, 1L);
            indexShape[0] = -1L;
            String index = builder.node("Reshape", List.of(in(t, 1), builder.longs(indexShape)));
            String expanded = builder.node("Expand", List.of(index, builder.node("Shape", List.of(rows))));
            return emit(t, "ScatterElements", List.of(zeros, expanded, rows), attr("axis", 0L), attr("reduction", "add"));
        }
        if (op instanceof Op.TakeAlongLastAxis) {
            String idx = builder.node("Unsqueeze", List.of(in(t, 1), builder.longs(-1)));
            String g = builder.node("GatherElements", List.of(in(t, 0), idx), attr("axis", -1L));
            return emit(t, "Squeeze", List.of(g, builder.longs(-1)));
        }
        if (op instanceof Op.PutAlongLastAxis) {
            String zeros = zerosLike(in(t, 0));
            String idx = builder.node("Unsqueeze", List.of(in(t, 1), builder.longs(-1)));
            String values = builder.node("Unsqueeze", List.of(in(t, 2), builder.longs(-1)));
            return emit(t, "ScatterElements", List.of(zeros, idx, values), attr("axis", -1L));
        }
        if (op instanceof Op.AddAlongLastAxis) {
            String idx = builder.node("Unsqueeze", List.of(in(t, 1), builder.longs(-1)));
            String values = builder.node("Unsqueeze", List.of(in(t, 2), builder.longs(-1)));
            return emit(t, "ScatterElements", List.of(in(t, 0), idx, values), attr("axis", -1L), attr("reduction", "add"));
        }
        if (op instanceof Op.Expand) {
            String shape = builder.node("Shape", List.of(in(t, 1)));
            return emit(t, "Expand", List.of(in(t, 0), shape));
        }
        if (op instanceof Op.Arange a) {
            String shape = builder.node("Shape", List.of(in(t, 0)));
            String n = builder.node("Gather", List.of(shape, builder.longScalar(a.axis())), attr("axis", 0L));
            return emit(t, "Range", List.of(builder.longScalar(0), n, builder.longScalar(1)));
        }
        if (op instanceof Op.Dropout d) {
            return dropout(t, d);
        }
        throw new GraphException("ONNX lowering: no rule for " + op.getClass().getSimpleName() + " at " + t);
    }

    private String unary(Tensor t, Op.UnaryFn fn) {
        String x = in(t, 0);
        switch (fn) {
            case NEG:
                return emit(t, "Neg", List.of(x));
            case EXP:
                return emit(t, "Exp", List.of(x));
            case LOG:
                return emit(t, "Log", List.of(x));
            case SQRT:
                return emit(t, "Sqrt", List.of(x));
            case TANH:
                return emit(t, "Tanh", List.of(x));
            case ERF:
                return emit(t, "Erf", List.of(x));
            case NOT:
                return emit(t, "Not", List.of(x));
            case GELU: {
                // x * 0.5 * (1 + erf(x / sqrt 2)), in the exact form ONNX Runtime's Gelu fusion recognises.
                String scaled = builder.node("Div", List.of(x, builder.floatScalar((float) Math.sqrt(2.0))));
                String erf = builder.node("Erf", List.of(scaled));
                String onePlus = builder.node("Add", List.of(erf, builder.floatScalar(1f)));
                String prod = builder.node("Mul", List.of(x, onePlus));
                return emit(t, "Mul", List.of(prod, builder.floatScalar(0.5f)));
            }
            case GELU_TANH: {
                // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), as GPT-2 writes it (opset 17 has no Gelu).
                String cube = builder.node("Mul", List.of(builder.node("Mul", List.of(x, x)), x));
                String inner = builder.node("Add", List.of(x, builder.node("Mul", List.of(cube, builder.floatScalar(0.044715f)))));
                String tanh = builder.node("Tanh", List.of(builder.node("Mul", List.of(inner,
                        builder.floatScalar((float) Math.sqrt(2 / Math.PI))))));
                String onePlus = builder.node("Add", List.of(tanh, builder.floatScalar(1f)));
                String prod = builder.node("Mul", List.of(x, onePlus));
                return emit(t, "Mul", List.of(prod, builder.floatScalar(0.5f)));
            }
            default:
                throw new GraphException("ONNX lowering: unknown unary " + fn);
        }
    }

    private static String binaryOp(Op.BinaryFn fn) {
        switch (fn) {
            case ADD:
                return "Add";
            case SUB:
                return "Sub";
            case MUL:
                return "Mul";
            case DIV:
                return "Div";
            case MAX:
                return "Max";
            case MIN:
                return "Min";
            default:
                throw new GraphException("ONNX lowering: unknown binary " + fn);
        }
    }

    private static String compareOp(Op.CompareFn fn) {
        switch (fn) {
            case EQUAL:
                return "Equal";
            case LESS:
                return "Less";
            case LESS_OR_EQUAL:
                return "LessOrEqual";
            case GREATER:
                return "Greater";
            case GREATER_OR_EQUAL:
                return "GreaterOrEqual";
            default:
                throw new GraphException("ONNX lowering: unknown comparison " + fn);
        }
    }

    private String reduce(Tensor t, Op.Reduce r) {
        String x = in(t, 0);
        if (r.axes().isEmpty()) {
            // ONNX reduces every axis when none are given; the graph means "no reduction".
            return emit(t, "Identity", List.of(x));
        }
        long keep = r.keepDims() ? 1L : 0L;
        switch (r.fn()) {
            case SUM:
                if (leadingRowSum(t, r)) {
                    return rowSum(t);
                }
                return emit(t, "ReduceSum", List.of(x, builder.longs(toLongs(r.axes()))), attr("keepdims", keep));
            case MEAN: {
                Tensor x0 = t.inputs().get(0);
                String shared = layerNormMeans.get(x0.id());
                if (shared != null && r.keepDims() && r.axes().equals(List.of(x0.rank() - 1))) {
                    return shared;
                }
                return emit(t, "ReduceMean", List.of(x), attrInts("axes", r.axes()), attr("keepdims", keep));
            }
            case MAX:
                return emit(t, "ReduceMax", List.of(x), attrInts("axes", r.axes()), attr("keepdims", keep));
            default:
                throw new GraphException("ONNX lowering: unknown reduction " + r.fn());
        }
    }

    /**
     * A LayerNormalization; when an InvStdDev of the same x and epsilon is in the program (the
     * LayerNorm gradient's), its InvStdDev output as well, which that node then takes instead of a
     * pass of its own.
     */
    private String layerNorm(Tensor t, Op.LayerNorm ln) {
        List<Object> key = List.of(t.inputs().get(0).id(), ln.epsilon());
        if (options.variableValues() == null) {
            return composedLayerNorm(t, ln, key);
        }
        String out = target(t, "LayerNormalization");
        List<String> outs = new ArrayList<>(List.of(out));
        if (statisticsWanted().contains(key) && !invStdDevs.containsKey(key)) {
            String mean = builder.freshName("LayerNormMean");
            String invStd = builder.freshName("LayerNormInvStdDev");
            outs.add(mean);
            outs.add(invStd);
            invStdDevs.put(key, invStd);
            layerNormMeans.put(t.inputs().get(0).id(), mean);
        }
        builder.addNode("", "LayerNormalization", List.of(in(t, 0), in(t, 1), in(t, 2)), outs,
                attr("axis", -1L), attr("epsilon", (float) ln.epsilon()));
        return out;
    }

    /**
     * Training and evaluation graphs: LayerNormalization as seven elementwise and reduction passes.
     * ONNX Runtime 1.29's Java build runs its LayerNormalization kernel at about 1.2 microseconds per
     * row of 256 (4.9 ms for [32, 128, 256] on one thread, where these seven nodes take 0.9 ms; the
     * Python 1.30 wheel runs the same kernel in 0.5 ms), so a mini training step spent 44 ms of 780
     * in it. The mean, the centred input, 1/std and the normalised input are named values here, so
     * the gradient's own Sub and Mul over the same inputs are the same nodes, which ONNX Runtime's
     * common-subexpression elimination merges: the backward pass reads the forward's normalised input.
     * Exports keep the one standard LayerNormalization node.
     */
    private String composedLayerNorm(Tensor t, Op.LayerNorm ln, List<Object> key) {
        String x = in(t, 0);
        String mean = builder.node("ReduceMean", List.of(x), attrInts("axes", List.of(-1)), attr("keepdims", 1L));
        String centered = builder.node("Sub", List.of(x, mean));
        String variance = builder.node("ReduceMean", List.of(builder.node("Mul", List.of(centered, centered))),
                attrInts("axes", List.of(-1)), attr("keepdims", 1L));
        String invStd = builder.node("Reciprocal", List.of(builder.node("Sqrt", List.of(
                builder.node("Add", List.of(variance, builder.floatScalar((float) ln.epsilon())))))));
        String normalized = builder.node("Mul", List.of(centered, invStd));
        if (!invStdDevs.containsKey(key)) {
            invStdDevs.put(key, invStd);
            layerNormMeans.put(t.inputs().get(0).id(), mean);
        }
        return emit(t, "Add", List.of(builder.node("Mul", List.of(normalized, in(t, 1))), in(t, 2)));
    }

    /** The InvStdDev output of a LayerNormalization of the same x and epsilon, else one of its own. */
    private String invStdDev(Tensor t, Op.InvStdDev sd) {
        Tensor x = t.inputs().get(0);
        String shared = invStdDevs.get(List.of(x.id(), sd.epsilon()));
        if (shared != null) {
            return shared;
        }
        Dim h = x.shape().dim(-1);
        String out = target(t, "InvStdDev");
        if (h.isFixed()) {
            float[] ones = new float[Math.toIntExact(h.size())];
            java.util.Arrays.fill(ones, 1f);
            String gamma = builder.constant(HostTensor.ofFloats(new long[] {h.size()}, ones));
            String beta = builder.constant(HostTensor.ofFloats(new long[] {h.size()}, new float[ones.length]));
            builder.addNode("", "LayerNormalization", List.of(in(t, 0), gamma, beta),
                    List.of(builder.freshName("LayerNormUnused"), builder.freshName("LayerNormMean"), out),
                    attr("axis", -1L), attr("epsilon", (float) sd.epsilon()));
            return out;
        }
        String xs = in(t, 0);
        String centered = builder.node("Sub", List.of(xs, builder.node("ReduceMean", List.of(xs), attrInts("axes", List.of(-1)), attr("keepdims", 1L))));
        String variance = builder.node("ReduceMean", List.of(builder.node("Mul", List.of(centered, centered))), attrInts("axes", List.of(-1)), attr("keepdims", 1L));
        String std = builder.node("Sqrt", List.of(builder.node("Add", List.of(variance, builder.floatScalar((float) sd.epsilon())))));
        return emit(t, "Reciprocal", List.of(std));
    }

    /**
     * In a training graph, {@code x W + b} with x of rank 3 or more, W [K, N] and b [N] fixed, where
     * the product feeds only the Add: by Add id, the MatMul. ONNX Runtime runs a MatMul and its bias
     * as one Gemm only for 2-D inputs, and the broadcast bias Add after a 3-D MatMul was the most
     * expensive elementwise op of a training step in its profile.
     */
    private Map<Integer, Tensor> denseProducts() {
        if (denseProducts == null) {
            denseProducts = new HashMap<>();
            gemmBiases = new HashMap<>();
            if (options.variableValues() != null) {
                return denseProducts;
            }
            Map<Integer, Integer> uses = new HashMap<>();
            for (Tensor n : program.nodes()) {
                for (Tensor in : n.inputs()) {
                    uses.merge(in.id(), 1, Integer::sum);
                }
            }
            for (Tensor n : program.nodes()) {
                if (!(n.op() instanceof Op.Binary b) || b.fn() != Op.BinaryFn.ADD || n.dtype() != DType.FLOAT32) {
                    continue;
                }
                for (int side = 0; side < 2; side++) {
                    Tensor product = n.inputs().get(side);
                    Tensor bias = n.inputs().get(1 - side);
                    if (product.op() instanceof Op.MatMul && product != bias && uses.getOrDefault(product.id(), 0) == 1
                            && !directOutputs.containsKey(product.id()) && denseShapes(product, bias)) {
                        denseProducts.put(n.id(), product);
                        gemmBiases.put(product.id(), bias);
                        break;
                    }
                }
            }
        }
        return denseProducts;
    }

    private Map<Integer, Tensor> gemmBiases() {
        denseProducts();
        return gemmBiases;
    }

    private static boolean denseShapes(Tensor product, Tensor bias) {
        Tensor x = product.inputs().get(0);
        Tensor w = product.inputs().get(1);
        return x.rank() >= 3 && w.rank() == 2 && w.shape().isFixed() && bias.rank() == 1 && bias.shape().isFixed()
                && bias.shape().dim(0).size() == w.shape().dim(1).size() && x.dtype() == DType.FLOAT32;
    }

    /** {@code Reshape(Gemm(Reshape(x, [-1, K]), W, b), shape(x)[:-1] + [N])}: reshapes of contiguous data are free. */
    private String denseAsGemm(Tensor add, Tensor product) {
        Tensor x = product.inputs().get(0);
        Tensor bias = gemmBiases().get(product.id());
        long k = product.inputs().get(1).shape().dim(0).size();
        long n = product.inputs().get(1).shape().dim(1).size();
        String xs = in(product, 0);
        String rows = builder.node("Reshape", List.of(xs, builder.longs(-1, k)), attr("allowzero", 0L));
        Tensor w = product.inputs().get(1);
        String y;
        if (isTranspose2d(w)) {
            // x transpose(E) + b (a tied decoder): Gemm's transB reads E as it is, no transposed copy of the table.
            y = builder.node("Gemm", List.of(rows, names.get(w.inputs().get(0).id()), names.get(bias.id())), attr("transB", 1L));
        } else {
            y = builder.node("Gemm", List.of(rows, in(product, 1), names.get(bias.id())));
        }
        String shape = denseShapes.computeIfAbsent(List.of(xs, n), key -> {
            String lead = builder.node("Slice", List.of(builder.node("Shape", List.of(xs)), builder.longs(0), builder.longs(-1)));
            return builder.node("Concat", List.of(lead, builder.longs(n)), attr("axis", 0L));
        });
        return emit(add, "Reshape", List.of(y, shape), attr("allowzero", 0L));
    }

    private static boolean isTranspose2d(Tensor t) {
        return t.op() instanceof Op.Transpose tr && t.rank() == 2 && tr.permutation().equals(List.of(1, 0));
    }

    /**
     * Row sums into a small table (token types: 2 rows) as {@code onehot(index)^T x updates}: one
     * Gemm of [rows, n]^T x [n, width], deterministic like the ScatterElements path. ONNX Runtime's
     * ScatterElements with reduction add took 22 ms on one thread to add 4096 rows of 256 into a
     * 2-row table (every update hits the same few rows); the Gemm takes well under 1 ms.
     */
    private String oneHotRowSums(Tensor t, long tableRows) {
        long width = t.shape().dim(1).size();
        String index = builder.node("Reshape", List.of(builder.node("Cast", List.of(in(t, 1)),
                attr("to", (long) OnnxMl.TensorProto.DataType.INT64_VALUE)), builder.longs(-1, 1)));
        String ids = builder.node("Range", List.of(builder.longScalar(0), builder.longScalar(tableRows), builder.longScalar(1)));
        String oneHot = builder.node("Cast", List.of(builder.node("Equal", List.of(index, ids))),
                attr("to", (long) OnnxMl.TensorProto.DataType.FLOAT_VALUE));
        String rows = builder.node("Reshape", List.of(in(t, 2), builder.longs(-1, width)));
        return emit(t, "Gemm", List.of(oneHot, rows), attr("transA", 1L));
    }

    /** (x id, epsilon) of every InvStdDev node in the program, found once. */
    private java.util.Set<List<Object>> statisticsWanted() {
        if (statisticsWanted == null) {
            statisticsWanted = new java.util.HashSet<>();
            for (Tensor n : program.nodes()) {
                if (n.op() instanceof Op.InvStdDev sd) {
                    statisticsWanted.add(List.of(n.inputs().get(0).id(), sd.epsilon()));
                }
            }
        }
        return statisticsWanted;
    }

    /**
     * One ONNX Split for all parts of a graph split (consecutive nodes, see {@link Op.Split}): the
     * first part lowered names every part's output.
     */
    private String split(Tensor t, Op.Split sp) {
        int first = t.id() - sp.index();
        List<String> outs = new ArrayList<>();
        List<Tensor> all = program.graph().nodes();
        for (int i = 0; i < sp.sizes().size(); i++) {
            Tensor part = all.get(first + i);
            String name = target(part, "Split");
            outs.add(name);
            names.put(part.id(), name);
        }
        long[] sizes = sp.sizes().stream().mapToLong(Long::longValue).toArray();
        builder.addNode("", "Split", List.of(in(t, 0), builder.longs(sizes)), outs, attr("axis", (long) sp.axis()));
        return names.get(t.id());
    }

    /**
     * A FLOAT32 sum over leading axes to fixed trailing dims (the gradient of a bias or a LayerNorm
     * parameter), in a training graph: ONNX Runtime reduces over leading axes 3 to 4 times slower than
     * a 1 x rows by rows x n MatMul with a row of ones.
     */
    private boolean leadingRowSum(Tensor t, Op.Reduce r) {
        Tensor x = t.inputs().get(0);
        if (options.variableValues() != null || x.dtype() != DType.FLOAT32 || r.keepDims() || r.axes().size() >= x.rank()) {
            return false;
        }
        for (int i = 0; i < r.axes().size(); i++) {
            if (r.axes().get(i) != i) {
                return false;
            }
        }
        for (int i = r.axes().size(); i < x.rank(); i++) {
            if (!x.shape().dim(i).isFixed()) {
                return false;
            }
        }
        return true;
    }

    private String rowSum(Tensor t) {
        Tensor x = t.inputs().get(0);
        long[] trailing = t.shape().fixedSizes();
        long n = 1;
        for (long d : trailing) {
            n *= d;
        }
        String rows = builder.node("Reshape", List.of(in(t, 0), builder.longs(-1, n)), attr("allowzero", 0L));
        String rowCount = builder.node("Slice", List.of(builder.node("Shape", List.of(rows)), builder.longs(0), builder.longs(1)));
        String onesShape = builder.node("Concat", List.of(builder.longs(1), rowCount), attr("axis", 0L));
        String ones = builder.node("ConstantOfShape", List.of(onesShape),
                attrTensor("value", HostTensor.ofFloats(new long[] {1}, new float[] {1f})));
        String sum = builder.node("MatMul", List.of(ones, rows));
        return emit(t, "Reshape", List.of(sum, builder.longs(trailing)), attr("allowzero", 0L));
    }

    private String zerosLike(String like) {
        String shape = builder.node("Shape", List.of(like));
        return builder.node("ConstantOfShape", List.of(shape), attrTensor("value", HostTensor.ofFloats(new long[] {1}, new float[] {0f})));
    }

    /**
     * Inverted dropout as x times a scaled mask drawn on the host ({@link HostMask}): the JIT's
     * vectorised 32-bit hash costs about 1 ns per element, and ONNX has no integer xor before opset
     * 18. One Mul instead of Mul and Where saved a further 20 ms of the 50 ms that dropout added to a
     * mini step. The backward pass (the same op on the gradient) reuses the forward mask.
     */
    private String dropout(Tensor t, Op.Dropout d) {
        String x = in(t, 0);
        List<Object> key = List.of(t.inputs().get(1).id(), d.salt(), d.rate(), t.shape());
        String keep = dropoutMasks.get(key);
        if (keep == null) {
            Tensor seedTensor = t.inputs().get(1);
            if (!(seedTensor.op() instanceof Op.Input)) {
                throw new GraphException("ONNX lowering: the seed of dropout at " + t + " must be a graph input (the host draws its mask)");
            }
            boolean flat = !t.shape().dims().stream().allMatch(dim -> dim.isFixed() || dim.symbol().matches("[A-Za-z_][A-Za-z0-9_]*"));
            String input = "dropout_mask/" + hostMasks.size();
            if (flat) {
                builder.input(input, DType.FLOAT32, List.of(Dim.symbol(input.replace('/', '_') + "_elements")));
                String size = builder.node("Reshape", List.of(builder.node("Size", List.of(x)), builder.longs(1)));
                String prefix = builder.node("Slice", List.of(input, builder.longs(0), size));
                keep = builder.node("Reshape", List.of(prefix, builder.node("Shape", List.of(x))));
            } else {
                keep = builder.input(input, DType.FLOAT32, t.shape().dims());
            }
            hostMasks.add(new HostMask(input, seedTensor.name(), d.salt(), DropoutHash.threshold(d.rate()), (float) (1.0 / (1.0 - d.rate())),
                    t.shape().dims(), flat));
            dropoutMasks.put(key, keep);
        }
        return emit(t, "Mul", List.of(x, keep));
    }

    private static long[] toLongs(List<Integer> values) {
        return values.stream().mapToLong(Integer::longValue).toArray();
    }
}

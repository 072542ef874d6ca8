package org.pretrain4j.backend.onnx.model;

import static java.util.Objects.requireNonNull;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pretrain4j.graph.DType;
import org.pretrain4j.graph.Dim;
import org.pretrain4j.graph.HostTensor;

/**
 * Builds an ONNX {@code ModelProto} on the protobuf classes of {@code tribuo-util-onnx} with exact
 * value names: graph inputs and outputs of any element type and rank with fixed or symbolic dims,
 * initializers, nodes with attributes, opset imports per domain and metadata properties.
 * Not thread-safe; {@link #build()} may be called once the graph is complete.
 */
public final class OnnxModelBuilder {
    /** The IR version written (ONNX 1.13+, read by every current runtime). */
    public static final long IR_VERSION = 8;
    /** The default-domain opset written unless told otherwise. */
    public static final int DEFAULT_OPSET = 17;

    private final OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder();
    private final Map<String, Long> opsets = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final Set<String> names = new HashSet<>();
    private final Map<String, String> constantCache = new HashMap<>();
    /** Outputs of the single-output nodes added by {@link #node}, by op, inputs and attributes. */
    private final Map<String, String> nodeCache = new HashMap<>();
    private static final java.util.Set<String> RANDOM_OPS = java.util.Set.of("RandomNormal", "RandomUniform",
            "RandomNormalLike", "RandomUniformLike", "Bernoulli", "Multinomial", "Dropout");
    private final Map<String, Integer> counters = new HashMap<>();
    private static final String PRODUCER_NAME = "pretrain4j";

    /** A builder for a graph with this name, importing the default domain at {@link #DEFAULT_OPSET}. */
    public OnnxModelBuilder(String graphName) {
        graph.setName(requireNonNull(graphName, "graphName is null"));
        opsets.put("", (long) DEFAULT_OPSET);
    }

    /** Adds or replaces a metadata property. */
    public OnnxModelBuilder metadata(String key, String value) {
        metadata.put(requireNonNull(key, "key is null"), requireNonNull(value, "value is null"));
        return this;
    }

    /** Reserves an exact value name; fails if it is already used. */
    public String reserve(String name) {
        requireNonNull(name, "name is null");
        if (name.isEmpty() || !names.add(name)) {
            throw new IllegalArgumentException("ONNX value name '" + name + "' is empty or already used");
        }
        return name;
    }

    /** A fresh value name starting with the hint. */
    public String freshName(String hint) {
        while (true) {
            int n = counters.merge(hint, 1, Integer::sum);
            String candidate = hint + "_" + n;
            if (names.add(candidate)) {
                return candidate;
            }
        }
    }

    /** Declares a graph input; dims are fixed sizes or symbols (dim_param). */
    public String input(String name, DType dtype, List<Dim> dims) {
        graph.addInput(valueInfo(reserve(name), dtype, dims));
        return name;
    }

    /** Declares a graph output; the value must be produced by a node or be an initializer. */
    public void output(String name, DType dtype, List<Dim> dims) {
        graph.addOutput(valueInfo(name, dtype, dims));
    }

    /** Adds an initializer with an exact name. */
    public String initializer(String name, HostTensor value) {
        graph.addInitializer(tensor(reserve(name), value));
        return name;
    }

    /** A deduplicated constant initializer with a generated name. */
    public String constant(HostTensor value) {
        String key = value.dtype() + java.util.Arrays.toString(value.shape()) + ":"
                + (value.dtype() == DType.FLOAT32 ? java.util.Arrays.toString(value.floats()) : java.util.Arrays.toString(value.longs()));
        String existing = constantCache.get(key);
        if (existing != null) {
            return existing;
        }
        String name = freshName("const");
        graph.addInitializer(tensor(name, value));
        if (key.length() < 512) {
            constantCache.put(key, name);
        }
        return name;
    }

    /** A 1-D INT64 constant. */
    public String longs(long... values) {
        return constant(HostTensor.ofLongs(new long[] {values.length}, values));
    }

    /** An INT64 scalar constant. */
    public String longScalar(long value) {
        return constant(HostTensor.scalar(value));
    }

    /** A FLOAT32 scalar constant. */
    public String floatScalar(float value) {
        return constant(HostTensor.scalar(value));
    }

    /**
     * Adds a node of the default domain whose single output gets a fresh name; returns that name. A
     * node with the same op, inputs and attributes as an earlier one of this method is not added
     * again: its output is returned (common subexpressions, e.g. a gradient recomputing a value of
     * the forward pass from the same inputs, are one node). Random ops are always added.
     */
    public String node(String opType, List<String> inputs, OnnxMl.AttributeProto... attributes) {
        String key = null;
        if (!RANDOM_OPS.contains(opType)) {
            StringBuilder k = new StringBuilder(opType).append('\u0000').append(String.join("\u0001", inputs));
            for (OnnxMl.AttributeProto a : attributes) {
                k.append('\u0000').append(java.util.Base64.getEncoder().encodeToString(a.toByteArray()));
            }
            key = k.toString();
            String existing = nodeCache.get(key);
            if (existing != null) {
                return existing;
            }
        }
        String out = freshName(opType);
        addNode("", opType, inputs, List.of(out), attributes);
        if (key != null) {
            nodeCache.put(key, out);
        }
        return out;
    }

    /** Adds a node of the default domain writing exact output names (already reserved or reserved here). */
    public void nodeTo(String opType, List<String> inputs, String output, OnnxMl.AttributeProto... attributes) {
        if (!names.contains(output)) {
            reserve(output);
        }
        addNode("", opType, inputs, List.of(output), attributes);
    }

    /** Adds a node of any domain with exact output names. */
    public void addNode(String domain, String opType, List<String> inputs, List<String> outputs, OnnxMl.AttributeProto... attributes) {
        OnnxMl.NodeProto.Builder node = OnnxMl.NodeProto.newBuilder()
                .setOpType(opType)
                .setDomain(domain)
                .setName(outputs.get(0) + "/" + opType)
                .addAllInput(inputs)
                .addAllOutput(outputs);
        for (OnnxMl.AttributeProto a : attributes) {
            node.addAttribute(a);
        }
        graph.addNode(node);
    }

    /**
     * Drops the nodes whose outputs nothing reads (no later node, no graph output), and then the
     * constant initializers nothing reads: a lowering that rewrites a pattern (a transposed weight
     * fed to Gemm with transB) leaves the node it no longer needs, which ONNX Runtime would still run.
     */
    private void pruneUnused() {
        java.util.Set<String> live = new java.util.HashSet<>();
        graph.getOutputList().forEach(o -> live.add(o.getName()));
        List<OnnxMl.NodeProto> nodes = graph.getNodeList();
        boolean[] keep = new boolean[nodes.size()];
        for (int i = nodes.size() - 1; i >= 0; i--) {
            OnnxMl.NodeProto n = nodes.get(i);
            if (n.getOutputList().stream().anyMatch(live::contains)) {
                keep[i] = true;
                live.addAll(n.getInputList());
            }
        }
        List<OnnxMl.NodeProto> kept = new java.util.ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (keep[i]) {
                kept.add(nodes.get(i));
            }
        }
        if (kept.size() != nodes.size()) {
            graph.clearNode().addAllNode(kept);
        }
        java.util.Set<String> inputs = new java.util.HashSet<>();
        graph.getInputList().forEach(i -> inputs.add(i.getName()));
        List<OnnxMl.TensorProto> initializers = graph.getInitializerList();
        List<OnnxMl.TensorProto> used = initializers.stream().filter(t -> live.contains(t.getName()) || inputs.contains(t.getName())).toList();
        if (used.size() != initializers.size()) {
            graph.clearInitializer().addAllInitializer(used);
        }
    }

    /** The finished model: IR version 8, the imported opsets, metadata properties; unused nodes pruned. */
    public OnnxMl.ModelProto build() {
        pruneUnused();
        OnnxMl.ModelProto.Builder model = OnnxMl.ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName(PRODUCER_NAME)
                .setProducerVersion("0.1.0")
                .setDomain("org.pretrain4j")
                .setModelVersion(1)
                .setGraph(graph.build());
        for (Map.Entry<String, Long> e : opsets.entrySet()) {
            model.addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain(e.getKey()).setVersion(e.getValue()));
        }
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            model.addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey(e.getKey()).setValue(e.getValue()));
        }
        return model.build();
    }

    // ---- attributes ----

    public static OnnxMl.AttributeProto attr(String name, long value) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.INT).setI(value).build();
    }

    public static OnnxMl.AttributeProto attr(String name, float value) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.FLOAT).setF(value).build();
    }

    public static OnnxMl.AttributeProto attr(String name, String value) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(value)).build();
    }

    public static OnnxMl.AttributeProto attrInts(String name, List<? extends Number> values) {
        OnnxMl.AttributeProto.Builder b = OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.INTS);
        for (Number v : values) {
            b.addInts(v.longValue());
        }
        return b.build();
    }

    public static OnnxMl.AttributeProto attrTensor(String name, HostTensor value) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.TENSOR)
                .setT(tensor("", value)).build();
    }

    // ---- protobuf values ----

    /** The ONNX element type of a graph dtype. */
    public static int elementType(DType dtype) {
        switch (dtype) {
            case FLOAT32:
                return OnnxMl.TensorProto.DataType.FLOAT_VALUE;
            case INT64:
                return OnnxMl.TensorProto.DataType.INT64_VALUE;
            case BOOL:
                return OnnxMl.TensorProto.DataType.BOOL_VALUE;
            default:
                throw new IllegalArgumentException("no ONNX type for " + dtype);
        }
    }

    static OnnxMl.ValueInfoProto valueInfo(String name, DType dtype, List<Dim> dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (Dim d : dims) {
            OnnxMl.TensorShapeProto.Dimension.Builder dim = OnnxMl.TensorShapeProto.Dimension.newBuilder();
            if (d.isFixed()) {
                dim.setDimValue(d.size());
            } else {
                dim.setDimParam(d.symbol());
            }
            shape.addDim(dim);
        }
        OnnxMl.TypeProto type = OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(elementType(dtype)).setShape(shape))
                .build();
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(type).build();
    }

    /** A TensorProto with little-endian raw data. */
    public static OnnxMl.TensorProto tensor(String name, HostTensor value) {
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name).setDataType(elementType(value.dtype()));
        for (long d : value.shape()) {
            t.addDims(d);
        }
        ByteBuffer bytes;
        if (value.dtype() == DType.FLOAT32) {
            float[] f = value.floats();
            bytes = ByteBuffer.allocate(f.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asFloatBuffer().put(f);
        } else {
            long[] l = value.longs();
            bytes = ByteBuffer.allocate(l.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asLongBuffer().put(l);
        }
        return t.setRawData(UnsafeByteOperations.unsafeWrap(bytes.array())).build();
    }
}

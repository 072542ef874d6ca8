package org.pretrain4j.backend.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pretrain4j.graph.DType;
import org.pretrain4j.graph.Dim;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.graph.Initializer;
import org.pretrain4j.graph.Op;
import org.pretrain4j.graph.Program;
import org.pretrain4j.graph.Tensor;

/**
 * A program compiled to one ONNX Runtime session. Each variable lives in two direct buffers wrapped
 * once as tensors; a run reads the current one and writes the next value into the other through a
 * pinned output, then the two swap, so no state is copied or allocated per run. Batch inputs go
 * through reusable direct buffers, re-wrapped only when a shape changes.
 */
final class OnnxExecutable implements org.pretrain4j.graph.Executable {
    private final OnnxBackend backend;
    private final String programName;
    private final OrtSession session;
    private final OrtEnvironment env = OrtLoader.environment();
    private final Map<String, StateSlot> state = new LinkedHashMap<>();
    private final Map<String, InputSlot> inputs = new LinkedHashMap<>();
    private final Map<String, Tensor> inputNodes = new LinkedHashMap<>();
    private final Set<String> plainOutputs;
    private final Map<String, OnnxTensor> feed = new HashMap<>();
    private final Map<String, OnnxTensor> pinned = new HashMap<>();
    private final List<OnnxLowering.HostMask> hostMasks;
    private final Map<String, MaskSlot> masks = new LinkedHashMap<>();
    private final Map<String, Long> symbols = new HashMap<>();
    private boolean closed;

    OnnxExecutable(OnnxBackend backend, Program program, OnnxLowering.Lowered lowered, OrtSession session) {
        this.backend = backend;
        this.programName = program.name();
        this.session = session;
        try {
            for (Tensor v : lowered.variables()) {
                Op.Variable op = (Op.Variable) v.op();
                long[] shape = v.shape().fixedSizes();
                float[] init = Initializer.initialValues(op.init(), v.shape(), v.name(), program.seed());
                String next = lowered.stateOutputs().get(v.name());
                StateSlot slot = new StateSlot(v.name(), shape, next);
                slot.buffers[0].put(0, init);
                state.put(v.name(), slot);
            }
            for (Tensor in : lowered.inputs()) {
                inputNodes.put(in.name(), in);
            }
            plainOutputs = new LinkedHashSet<>(program.outputs().keySet());
            hostMasks = lowered.hostMasks();
        } catch (OrtException | RuntimeException e) {
            closeQuietly();
            throw new IllegalStateException("onnx backend: could not allocate the state of '" + programName + "': " + e.getMessage(), e);
        }
    }

    @Override
    public Map<String, HostTensor> run(Map<String, HostTensor> values) {
        checkOpen();
        feed.clear();
        pinned.clear();
        for (Map.Entry<String, Tensor> e : inputNodes.entrySet()) {
            HostTensor value = values.get(e.getKey());
            if (value == null) {
                throw new IllegalArgumentException("program '" + programName + "' needs input '" + e.getKey() + "' " + e.getValue().dtype()
                        + e.getValue().shape() + "; given " + values.keySet());
            }
            checkInput(e.getKey(), e.getValue(), value);
            feed.put(e.getKey(), inputs.computeIfAbsent(e.getKey(), k -> new InputSlot()).bind(value));
        }
        if (!hostMasks.isEmpty()) {
            bindMasks(values);
        }
        for (StateSlot s : state.values()) {
            feed.put(s.name, s.current());
            if (s.nextOutput != null) {
                pinned.put(s.nextOutput, s.other());
            }
        }
        Map<String, HostTensor> out = new LinkedHashMap<>();
        try (OrtSession.Result result = session.run(feed, plainOutputs, pinned)) {
            for (String name : plainOutputs) {
                out.put(name, toHost(name, result.get(name).orElseThrow()));
            }
        } catch (OrtException e) {
            throw new IllegalStateException("onnx backend: running '" + programName + "' failed: " + e.getMessage(), e);
        }
        for (StateSlot s : state.values()) {
            if (s.nextOutput != null) {
                s.swap();
            }
        }
        return out;
    }

    /** Draws every host dropout mask for this run's seeds and shapes (symbols resolved from the batch inputs). */
    private void bindMasks(Map<String, HostTensor> values) {
        symbols.clear();
        for (Map.Entry<String, Tensor> e : inputNodes.entrySet()) {
            List<Dim> dims = e.getValue().shape().dims();
            long[] actual = values.get(e.getKey()).shape();
            for (int i = 0; i < dims.size(); i++) {
                if (!dims.get(i).isFixed()) {
                    Long previous = symbols.putIfAbsent(dims.get(i).symbol(), actual[i]);
                    if (previous != null && previous != actual[i]) {
                        throw new IllegalArgumentException("dim '" + dims.get(i).symbol() + "' is " + previous + " in one input and "
                                + actual[i] + " in '" + e.getKey() + "'");
                    }
                }
            }
        }
        for (OnnxLowering.HostMask m : hostMasks) {
            long[] shape;
            try {
                shape = m.shape(symbols);
            } catch (IllegalStateException e) {
                throw new IllegalStateException("program '" + programName + "': " + e.getMessage(), e);
            }
            long seed = values.get(m.seedInput()).longs()[0];
            feed.put(m.input(), masks.computeIfAbsent(m.input(), k -> new MaskSlot()).draw(shape, seed, m.salt(), m.threshold(), m.scale()));
        }
    }

    private static void checkInput(String name, Tensor expected, HostTensor value) {
        boolean ok = value.dtype() == expected.dtype() && value.rank() == expected.rank();
        for (int i = 0; ok && i < value.rank(); i++) {
            Dim d = expected.shape().dim(i);
            ok = !d.isFixed() || d.size() == value.dim(i);
        }
        if (!ok) {
            throw new IllegalArgumentException("input '" + name + "' should be " + expected.dtype() + expected.shape()
                    + ", got " + value.dtype() + Arrays.toString(value.shape()));
        }
    }

    private static HostTensor toHost(String name, OnnxValue value) {
        OnnxTensor t = (OnnxTensor) value;
        long[] shape = t.getInfo().getShape();
        switch (t.getInfo().type) {
            case FLOAT: {
                float[] data = new float[Math.toIntExact(HostTensor.elementCount(shape))];
                t.getFloatBuffer().get(data);
                return HostTensor.ofFloats(shape, data);
            }
            case INT64: {
                long[] data = new long[Math.toIntExact(HostTensor.elementCount(shape))];
                t.getLongBuffer().get(data);
                return HostTensor.ofLongs(shape, data);
            }
            default:
                throw new IllegalStateException("output '" + name + "' has unsupported type " + t.getInfo().type);
        }
    }

    @Override
    public Map<String, HostTensor> readState() {
        checkOpen();
        Map<String, HostTensor> out = new LinkedHashMap<>();
        for (StateSlot s : state.values()) {
            float[] data = new float[s.elements];
            s.buffers[s.current].get(0, data);
            out.put(s.name, HostTensor.ofFloats(s.shape, data));
        }
        return out;
    }

    @Override
    public void loadState(Map<String, HostTensor> values) {
        checkOpen();
        for (Map.Entry<String, HostTensor> e : values.entrySet()) {
            StateSlot s = state.get(e.getKey());
            if (s == null) {
                throw new IllegalArgumentException("program '" + programName + "' has no variable '" + e.getKey() + "'");
            }
            HostTensor v = e.getValue();
            if (v.dtype() != DType.FLOAT32 || !Arrays.equals(v.shape(), s.shape)) {
                throw new IllegalArgumentException("variable '" + e.getKey() + "' is FLOAT32" + Arrays.toString(s.shape) + ", got " + v);
            }
        }
        for (Map.Entry<String, HostTensor> e : values.entrySet()) {
            StateSlot s = state.get(e.getKey());
            s.buffers[s.current].put(0, e.getValue().floats());
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("executable '" + programName + "' is closed");
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            closeQuietly();
            backend.closed(this);
        }
    }

    private void closeQuietly() {
        for (StateSlot s : state.values()) {
            s.close();
        }
        for (InputSlot s : inputs.values()) {
            s.close();
        }
        for (MaskSlot s : masks.values()) {
            s.close();
        }
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("could not close the session of '" + programName + "'", e);
        }
    }

    /** A variable: two direct buffers, each wrapped once, and which one holds the current value. */
    private final class StateSlot {
        final String name;
        final long[] shape;
        final int elements;
        final String nextOutput;
        final java.nio.FloatBuffer[] buffers = new java.nio.FloatBuffer[2];
        final OnnxTensor[] tensors = new OnnxTensor[2];
        int current;

        StateSlot(String name, long[] shape, String nextOutput) throws OrtException {
            this.name = name;
            this.shape = shape;
            this.elements = Math.toIntExact(HostTensor.elementCount(shape));
            this.nextOutput = nextOutput;
            int sets = nextOutput == null ? 1 : 2;
            for (int i = 0; i < sets; i++) {
                buffers[i] = ByteBuffer.allocateDirect(elements * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
                tensors[i] = OnnxTensor.createTensor(env, buffers[i], shape);
            }
        }

        OnnxTensor current() {
            return tensors[current];
        }

        OnnxTensor other() {
            return tensors[1 - current];
        }

        void swap() {
            current = 1 - current;
        }

        void close() {
            for (OnnxTensor t : tensors) {
                if (t != null) {
                    t.close();
                }
            }
        }
    }

    /** A reusable direct buffer for one batch input and its tensor for the last shape seen. */
    private final class InputSlot {
        ByteBuffer buffer;
        OnnxTensor tensor;
        long[] shape;
        DType dtype;

        OnnxTensor bind(HostTensor value) {
            long[] s = value.shape();
            if (tensor == null || dtype != value.dtype() || !Arrays.equals(shape, s)) {
                rewrap(value.dtype(), s);
            }
            if (dtype == DType.FLOAT32) {
                buffer.asFloatBuffer().put(value.floats());
            } else {
                buffer.asLongBuffer().put(value.longs());
            }
            return tensor;
        }

        private void rewrap(DType type, long[] s) {
            close();
            int bytes = Math.toIntExact(HostTensor.elementCount(s) * (type == DType.FLOAT32 ? Float.BYTES : Long.BYTES));
            if (buffer == null || buffer.capacity() < bytes) {
                buffer = ByteBuffer.allocateDirect(Math.max(bytes, 8)).order(ByteOrder.nativeOrder());
            }
            ByteBuffer view = buffer.duplicate().order(ByteOrder.nativeOrder());
            view.clear().limit(bytes);
            ByteBuffer exact = view.slice().order(ByteOrder.nativeOrder());
            try {
                tensor = type == DType.FLOAT32
                        ? OnnxTensor.createTensor(env, exact.asFloatBuffer(), s)
                        : OnnxTensor.createTensor(env, exact.asLongBuffer(), s);
            } catch (OrtException e) {
                throw new IllegalStateException("could not wrap a batch input of shape " + Arrays.toString(s), e);
            }
            buffer = exact;
            shape = s;
            dtype = type;
        }

        void close() {
            if (tensor != null) {
                tensor.close();
                tensor = null;
            }
        }
    }

    /** A reusable direct buffer holding one scaled dropout mask (FLOAT: 1 / (1 - rate) kept, 0 dropped). */
    private final class MaskSlot {
        private static final int CHUNK = 1 << 15;
        /** One chunk per drawing thread, reused: a step draws tens of millions of elements. */
        private static final ThreadLocal<float[]> CHUNKS = ThreadLocal.withInitial(() -> new float[CHUNK]);
        java.nio.FloatBuffer buffer;
        OnnxTensor tensor;
        long[] shape;

        OnnxTensor draw(long[] s, long seed, long salt, long threshold, float scale) {
            if (tensor == null || !Arrays.equals(shape, s)) {
                close();
                int n = Math.toIntExact(HostTensor.elementCount(s));
                buffer = ByteBuffer.allocateDirect(Math.max(n, 1) * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
                buffer.limit(n);
                buffer = buffer.slice();
                try {
                    tensor = OnnxTensor.createTensor(env, buffer, s);
                } catch (OrtException e) {
                    throw new IllegalStateException("could not wrap a dropout mask of shape " + Arrays.toString(s), e);
                }
                shape = s;
            }
            int n = buffer.limit();
            java.nio.FloatBuffer target = buffer;
            int key = org.pretrain4j.graph.DropoutHash.key(seed, salt);
            java.util.stream.IntStream.range(0, (n + CHUNK - 1) / CHUNK).parallel().forEach(c -> {
                int from = c * CHUNK;
                int length = Math.min(n, from + CHUNK) - from;
                float[] chunk = CHUNKS.get();
                org.pretrain4j.graph.DropoutHash.scaledMask(key, threshold, scale, from, chunk, 0, length);
                target.put(from, chunk, 0, length);
            });
            return tensor;
        }

        void close() {
            if (tensor != null) {
                tensor.close();
                tensor = null;
            }
        }
    }
}

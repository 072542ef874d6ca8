package org.pretrain4j.testkit;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pretrain4j.graph.DType;
import org.pretrain4j.graph.Dim;
import org.pretrain4j.graph.Executable;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.graph.Initializer;
import org.pretrain4j.graph.Op;
import org.pretrain4j.graph.Program;
import org.pretrain4j.graph.StateUpdate;
import org.pretrain4j.graph.Tensor;
import org.pretrain4j.spi.Backend;

/**
 * A {@link Backend} on the {@link ReferenceInterpreter}: slow and exact, the oracle of the backend
 * conformance kit. Arithmetic is float64; state is rounded to float32 after every run, as a
 * float32 backend stores it, so that {@code readState}/{@code loadState} round-trip exactly and a
 * resumed run continues bit for bit.
 */
public final class ReferenceBackend implements Backend {
    @Override
    public String name() {
        return "reference";
    }

    @Override
    public Executable compile(Program program) {
        return new ReferenceExecutable(requireNonNull(program, "program is null"));
    }

    @Override
    public int threads() {
        return 1;
    }

    @Override
    public void close() {
        // Nothing native to release.
    }

    private static final class ReferenceExecutable implements Executable {
        private final Program program;
        private final List<Tensor> inputs;
        private final Map<String, Tensor> variables = new LinkedHashMap<>();
        private final Map<String, NdArray> state = new LinkedHashMap<>();
        private boolean closed;

        ReferenceExecutable(Program program) {
            this.program = program;
            this.inputs = program.inputs();
            for (Tensor v : program.variables()) {
                Op.Variable op = (Op.Variable) v.op();
                variables.put(op.name(), v);
                float[] init = Initializer.initialValues(op.init(), v.shape(), op.name(), program.seed());
                state.put(op.name(), NdArray.of(HostTensor.ofFloats(v.shape().fixedSizes(), init)));
            }
        }

        @Override
        public Map<String, HostTensor> run(Map<String, HostTensor> feeds) {
            checkOpen();
            requireNonNull(feeds, "inputs is null");
            Map<String, NdArray> wide = new HashMap<>();
            Map<String, Long> symbols = new HashMap<>();
            Map<String, String> symbolSource = new HashMap<>();
            for (Tensor in : inputs) {
                String name = in.name();
                HostTensor value = feeds.get(name);
                if (value == null) {
                    throw new IllegalArgumentException("program '" + program.name() + "' needs input '" + name + "' ("
                            + in.dtype() + in.shape() + "), not given; given: " + feeds.keySet());
                }
                checkInput(in, value, symbols, symbolSource);
                wide.put(name, NdArray.of(value));
            }
            ReferenceInterpreter interpreter = new ReferenceInterpreter(wide, state);
            Map<String, HostTensor> outputs = new LinkedHashMap<>();
            for (Map.Entry<String, Tensor> e : program.outputs().entrySet()) {
                outputs.put(e.getKey(), interpreter.evaluate(e.getValue()).toHost());
            }
            // Every update reads the pre-run state: evaluate all before assigning any.
            Map<String, NdArray> next = new LinkedHashMap<>();
            for (StateUpdate u : program.updates()) {
                next.put(u.variable().name(), NdArray.of(interpreter.evaluate(u.next()).toHost()));
            }
            state.putAll(next);
            return outputs;
        }

        private void checkInput(Tensor in, HostTensor value, Map<String, Long> symbols, Map<String, String> source) {
            String name = in.name();
            DType expected = in.dtype() == DType.BOOL ? DType.INT64 : in.dtype();
            boolean ok = value.dtype() == expected && value.rank() == in.rank();
            for (int i = 0; ok && i < in.rank(); i++) {
                Dim d = in.shape().dim(i);
                ok = !d.isFixed() || d.size() == value.dim(i);
            }
            if (!ok) {
                throw new IllegalArgumentException("input '" + name + "' should be " + in.dtype() + in.shape() + ", got "
                        + value.dtype() + Arrays.toString(value.shape()));
            }
            for (int i = 0; i < in.rank(); i++) {
                Dim d = in.shape().dim(i);
                if (!d.isFixed()) {
                    Long seen = symbols.putIfAbsent(d.symbol(), value.dim(i));
                    source.putIfAbsent(d.symbol(), name);
                    if (seen != null && seen != value.dim(i)) {
                        throw new IllegalArgumentException("dim '" + d.symbol() + "' is " + seen + " in input '" + source.get(d.symbol())
                                + "' but " + value.dim(i) + " in input '" + name + "' " + Arrays.toString(value.shape()));
                    }
                }
            }
        }

        @Override
        public Map<String, HostTensor> readState() {
            checkOpen();
            Map<String, HostTensor> out = new LinkedHashMap<>();
            state.forEach((k, v) -> out.put(k, v.toHost()));
            return out;
        }

        @Override
        public void loadState(Map<String, HostTensor> values) {
            checkOpen();
            requireNonNull(values, "state is null");
            for (Map.Entry<String, HostTensor> e : values.entrySet()) {
                Tensor v = variables.get(e.getKey());
                if (v == null) {
                    throw new IllegalArgumentException("unknown variable '" + e.getKey() + "' in program '" + program.name() + "'");
                }
                HostTensor value = e.getValue();
                if (value.dtype() != DType.FLOAT32 || !Arrays.equals(value.shape(), v.shape().fixedSizes())) {
                    throw new IllegalArgumentException("variable '" + e.getKey() + "' is FLOAT32" + v.shape() + ", got "
                            + value.dtype() + Arrays.toString(value.shape()));
                }
            }
            values.forEach((k, v) -> state.put(k, NdArray.of(v)));
        }

        @Override
        public void close() {
            closed = true;
        }

        private void checkOpen() {
            if (closed) {
                throw new IllegalStateException("executable of program '" + program.name() + "' is closed");
            }
        }
    }
}

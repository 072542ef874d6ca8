package org.pretrain4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pretrain4j.graph.DType;
import org.pretrain4j.graph.Executable;
import org.pretrain4j.graph.Graph;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.graph.Init;
import org.pretrain4j.graph.Initializer;
import org.pretrain4j.graph.Program;
import org.pretrain4j.graph.Shape;
import org.pretrain4j.graph.StateUpdate;
import org.pretrain4j.graph.Tensor;

/** The Executable contract on the reference backend. */
final class ReferenceBackendTest {
    private static HostTensor floats(float... v) {
        return HostTensor.ofFloats(new long[] {v.length}, v);
    }

    /** a and b swap every run, and the output reads a: all from the pre-run state. */
    private static Executable swapProgram() {
        Graph g = new Graph();
        Tensor a = g.weight("a", Shape.fixed(2), Init.normal(0.5));
        Tensor b = g.bias("b", Shape.fixed(2), Init.ones());
        Tensor x = g.input("x", DType.FLOAT32, Shape.of("batch", 2));
        Tensor out = g.add(g.reduceSum(x, false, 0), a);
        return new ReferenceBackend().compile(new Program("swap", g, Map.of("out", out, "a", a),
                List.of(new StateUpdate(a, g.add(b, g.scalar(0))), new StateUpdate(b, a)), 99));
    }

    @Test
    void variablesStartFromTheInitializer() {
        try (Executable e = swapProgram()) {
            Map<String, HostTensor> state = e.readState();
            assertThat(state.keySet()).containsExactlyInAnyOrder("a", "b");
            assertThat(state.get("a").floats()).containsExactly(Initializer.initialValues(Init.normal(0.5), Shape.fixed(2), "a", 99));
            assertThat(state.get("b").floats()).containsExactly(1f, 1f);
        }
    }

    @Test
    void outputsAndUpdatesReadThePreRunState() {
        try (Executable e = swapProgram()) {
            e.loadState(Map.of("a", floats(3, 4), "b", floats(5, 6)));
            Map<String, HostTensor> out = e.run(Map.of("x", HostTensor.ofFloats(new long[] {2, 2}, new float[] {1, 2, 10, 20})));
            assertThat(out.get("out").floats()).containsExactly(14f, 26f);
            assertThat(out.get("a").floats()).containsExactly(3f, 4f);
            assertThat(e.readState().get("a").floats()).containsExactly(5f, 6f);
            assertThat(e.readState().get("b").floats()).containsExactly(3f, 4f);
        }
    }

    @Test
    void stateRoundTrips() {
        try (Executable e = swapProgram()) {
            Map<String, HostTensor> x = Map.of("x", HostTensor.ofFloats(new long[] {1, 2}, new float[] {0.25f, -1}));
            Map<String, HostTensor> saved = e.readState();
            float[] first = e.run(x).get("out").floats();
            e.run(x);
            e.loadState(saved);
            assertThat(e.run(x).get("out").floats()).containsExactly(first);
            e.loadState(Map.of("b", floats(7, 8)));
            assertThat(e.readState().get("b").floats()).containsExactly(7f, 8f);
        }
    }

    @Test
    void badStateAndInputsAreNamed() {
        try (Executable e = swapProgram()) {
            assertThatThrownBy(() -> e.loadState(Map.of("nope", floats(1, 2))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'nope'");
            assertThatThrownBy(() -> e.loadState(Map.of("a", floats(1, 2, 3))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a'").hasMessageContaining("[3]");
            assertThatThrownBy(() -> e.run(Map.of()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'x'");
            assertThatThrownBy(() -> e.run(Map.of("x", HostTensor.ofFloats(new long[] {2, 3}, new float[6]))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'x'")
                    .hasMessageContaining("[batch, 2]").hasMessageContaining("[2, 3]");
        }
    }

    @Test
    void backendIdentity() {
        try (ReferenceBackend backend = new ReferenceBackend()) {
            assertThat(backend.name()).isEqualTo("reference");
            assertThat(backend.threads()).isEqualTo(1);
        }
    }
}

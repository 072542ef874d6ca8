package org.pretrain4j.backend.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
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
import org.pretrain4j.spi.Backend;
import org.pretrain4j.spi.BackendFactory;
import org.pretrain4j.spi.PluginException;

/** State handling of the executable and the backend's properties. */
final class OnnxExecutableTest {

    /** w' = w + x (a batch input), b' = b (unchanged by a direct update), c read-only; output the sum of w. */
    private static Program counter() {
        Graph g = new Graph();
        Tensor x = g.input("x", DType.FLOAT32, Shape.of(3));
        Tensor w = g.weight("w", Shape.fixed(3), Init.normal(0.5));
        Tensor b = g.bias("b", Shape.fixed(2), Init.ones());
        Tensor c = g.bias("c", Shape.fixed(1), Init.ones());
        Tensor next = g.add(w, x);
        return new Program("counter", g, Map.of("sum", g.add(g.sumAll(w), g.sumAll(c))),
                List.of(new StateUpdate(w, next), new StateUpdate(b, b)), 42);
    }

    @Test
    void stateStartsFromTheInitializerAndAdvancesEveryRun() {
        try (Backend backend = new OnnxBackendFactory().create(Map.of("threads", "1"));
             Executable exe = backend.compile(counter())) {
            float[] init = Initializer.initialValues(Init.normal(0.5), Shape.fixed(3), "w", 42);
            assertThat(exe.readState().get("w").floats()).containsExactly(init);
            assertThat(exe.readState().get("b").floats()).containsExactly(1f, 1f);
            HostTensor x = HostTensor.ofFloats(new long[] {3}, new float[] {1, 2, 3});
            float expectedSum = init[0] + init[1] + init[2] + 1;
            for (int step = 0; step < 5; step++) {
                Map<String, HostTensor> out = exe.run(Map.of("x", x));
                assertThat(out.get("sum").floatValue()).isCloseTo(expectedSum + 6 * step, org.assertj.core.api.Assertions.within(1e-4f));
            }
            float[] w = exe.readState().get("w").floats();
            for (int i = 0; i < 3; i++) {
                assertThat(w[i]).isCloseTo(init[i] + 5 * (i + 1), org.assertj.core.api.Assertions.within(1e-4f));
            }
            assertThat(exe.readState().get("b").floats()).containsExactly(1f, 1f);
        }
    }

    @Test
    void loadStateReplacesNamedVariablesAndRejectsUnknownOrMisshapen() {
        try (Backend backend = new OnnxBackend(OnnxConfig.parse(Map.of("threads", "1")));
             Executable exe = backend.compile(counter())) {
            exe.loadState(Map.of("w", HostTensor.ofFloats(new long[] {3}, new float[] {10, 20, 30})));
            exe.run(Map.of("x", HostTensor.ofFloats(new long[] {3}, new float[] {1, 1, 1})));
            assertThat(exe.readState().get("w").floats()).containsExactly(11, 21, 31);
            exe.loadState(Map.of("w", HostTensor.ofFloats(new long[] {3}, new float[] {0, 0, 0})));
            assertThat(exe.run(Map.of("x", HostTensor.ofFloats(new long[] {3}, new float[] {0, 0, 0}))).get("sum").floatValue()).isEqualTo(1f);
            assertThatThrownBy(() -> exe.loadState(Map.of("nope", HostTensor.scalar(1f)))).hasMessageContaining("'nope'");
            assertThatThrownBy(() -> exe.loadState(Map.of("w", HostTensor.ofFloats(new long[] {2}, new float[2])))).hasMessageContaining("'w'");
        }
    }

    @Test
    void inputsAreCheckedByNameAndShapeAndMayChangeShape() {
        Graph g = new Graph();
        Tensor ids = g.input("ids", DType.INT64, Shape.of("batch_size", 2));
        Program p = new Program("p", g, Map.of("twice", g.add(ids, ids)), List.of(), 1);
        try (Backend backend = new OnnxBackend(OnnxConfig.parse(Map.of("threads", "1")));
             Executable exe = backend.compile(p)) {
            assertThatThrownBy(() -> exe.run(Map.of())).hasMessageContaining("'ids'");
            assertThatThrownBy(() -> exe.run(Map.of("ids", HostTensor.ofLongs(new long[] {1, 3}, new long[3]))))
                    .hasMessageContaining("'ids'");
            assertThat(exe.run(Map.of("ids", HostTensor.ofLongs(new long[] {1, 2}, new long[] {1, 2}))).get("twice").longs()).containsExactly(2, 4);
            assertThat(exe.run(Map.of("ids", HostTensor.ofLongs(new long[] {2, 2}, new long[] {1, 2, 3, 4}))).get("twice").longs())
                    .containsExactly(2, 4, 6, 8);
            assertThat(exe.run(Map.of("ids", HostTensor.ofLongs(new long[] {1, 2}, new long[] {5, 6}))).get("twice").longs()).containsExactly(10, 12);
        }
    }

    @Test
    void closedExecutableRefusesToRun() {
        Backend backend = new OnnxBackend(OnnxConfig.parse(Map.of("threads", "1")));
        Executable exe = backend.compile(counter());
        backend.close();
        assertThatThrownBy(exe::readState).hasMessageContaining("closed");
        exe.close();
    }

    @Test
    void factoryIsFoundByNameWithDefaults() {
        BackendFactory factory = ServiceLoader.load(BackendFactory.class).stream()
                .map(ServiceLoader.Provider::get).filter(f -> f.name().equals("onnx")).findFirst().orElseThrow();
        assertThat(factory.properties()).extracting(s -> s.key()).contains("threads", "device", "optimization");
        try (Backend backend = factory.create(Map.of())) {
            assertThat(backend.name()).isEqualTo("onnx");
            assertThat(backend.threads()).isEqualTo(Runtime.getRuntime().availableProcessors());
        }
        OnnxConfig defaults = OnnxConfig.defaults();
        assertThat(defaults.device()).isEqualTo(OnnxConfig.Device.CPU);
        assertThat(defaults.optimization()).isEqualTo(OnnxConfig.Optimization.ALL);
        assertThat(defaults.memoryPattern()).isTrue();
    }

    @Test
    void explicitPropertiesAreParsed() {
        OnnxConfig c = OnnxConfig.parse(Map.of("threads", "3", "device", "cpu", "optimization", "basic",
                "memory-pattern", "false", "arena", "false", "spinning", "false", "profile", "/tmp/p"));
        assertThat(c).isEqualTo(new OnnxConfig(3, OnnxConfig.Device.CPU, OnnxConfig.Optimization.BASIC, false, false, false, "/tmp/p"));
    }

    @Test
    void badPropertiesNameTheKey() {
        assertThatThrownBy(() -> OnnxConfig.parse(Map.of("thread", "2"))).isInstanceOf(PluginException.class).hasMessageContaining("'thread'");
        assertThatThrownBy(() -> OnnxConfig.parse(Map.of("threads", "two"))).isInstanceOf(PluginException.class).hasMessageContaining("'threads'");
        assertThatThrownBy(() -> OnnxConfig.parse(Map.of("threads", "0"))).isInstanceOf(PluginException.class).hasMessageContaining("'threads'");
        assertThatThrownBy(() -> OnnxConfig.parse(Map.of("device", "tpu"))).isInstanceOf(PluginException.class).hasMessageContaining("'device'");
        assertThatThrownBy(() -> OnnxConfig.parse(Map.of("arena", "yes"))).isInstanceOf(PluginException.class).hasMessageContaining("'arena'");
        assertThatThrownBy(() -> OnnxConfig.parse(Map.of("dropout-masks", "graph"))).isInstanceOf(PluginException.class)
                .hasMessageContaining("Unknown onnx backend property 'dropout-masks'");
    }

    @Test
    void cudaWithoutACudaBuildFailsClearly() {
        if (ai.onnxruntime.OrtEnvironment.getAvailableProviders().contains(ai.onnxruntime.OrtProvider.CUDA)) {
            try (Backend b = new OnnxBackendFactory().create(Map.of("device", "cuda"))) {
                assertThat(b.name()).isEqualTo("onnx");
            }
            return;
        }
        assertThatThrownBy(() -> new OnnxBackendFactory().create(Map.of("device", "cuda")))
                .isInstanceOf(PluginException.class).hasMessageContaining("cuda").hasMessageContaining("-Pgpu");
    }
}

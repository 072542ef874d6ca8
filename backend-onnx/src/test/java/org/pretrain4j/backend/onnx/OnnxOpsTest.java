package org.pretrain4j.backend.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pretrain4j.graph.DType;
import org.pretrain4j.graph.DropoutHash;
import org.pretrain4j.graph.Graph;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.graph.Op;
import org.pretrain4j.graph.Program;
import org.pretrain4j.graph.Shape;
import org.pretrain4j.graph.Tensor;

/** Each core op lowered to ONNX and run on ONNX Runtime, against values computed here in Java. */
final class OnnxOpsTest {
    private static OnnxBackend backend;

    @BeforeAll
    static void open() {
        backend = new OnnxBackend(OnnxConfig.parse(Map.of("threads", "1")));
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    private static Map<String, HostTensor> run(Graph g, Map<String, Tensor> outputs, Map<String, HostTensor> inputs) {
        try (var exe = backend.compile(new Program("test", g, outputs, List.of(), 1))) {
            return exe.run(inputs);
        }
    }

    private static HostTensor floats(long[] shape, long seed) {
        Random r = new Random(seed);
        float[] v = new float[Math.toIntExact(HostTensor.elementCount(shape))];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return HostTensor.ofFloats(shape, v);
    }

    @Test
    void unaryFunctions() {
        Graph g = new Graph();
        Tensor x = g.input("x", DType.FLOAT32, Shape.of("batch_size", 5));
        Map<String, Tensor> out = new HashMap<>();
        for (Op.UnaryFn fn : Op.UnaryFn.values()) {
            if (fn != Op.UnaryFn.NOT) {
                Tensor in = fn == Op.UnaryFn.LOG || fn == Op.UnaryFn.SQRT ? g.exp(x) : x;
                out.put(fn.name(), g.unary(fn, in));
            }
        }
        HostTensor xv = floats(new long[] {3, 5}, 1);
        Map<String, HostTensor> r = run(g, out, Map.of("x", xv));
        float[] xs = xv.floats();
        for (int i = 0; i < xs.length; i++) {
            double v = xs[i];
            assertThat(r.get("NEG").floats()[i]).isCloseTo((float) -v, within(1e-6f));
            assertThat(r.get("EXP").floats()[i]).isCloseTo((float) Math.exp(v), within(1e-5f * (float) Math.exp(v)));
            assertThat(r.get("LOG").floats()[i]).isCloseTo((float) v, within(1e-5f));
            assertThat(r.get("SQRT").floats()[i]).isCloseTo((float) Math.exp(v / 2), within(1e-5f * (float) Math.exp(v / 2)));
            assertThat(r.get("TANH").floats()[i]).isCloseTo((float) Math.tanh(v), within(1e-6f));
            assertThat(r.get("ERF").floats()[i]).isCloseTo((float) erf(v), within(1e-5f));
            assertThat(r.get("GELU").floats()[i]).isCloseTo((float) (v * 0.5 * (1 + erf(v / Math.sqrt(2)))), within(1e-5f));
        }
    }

    @Test
    void binaryCompareLogicalWhereCast() {
        Graph g = new Graph();
        Tensor a = g.input("a", DType.FLOAT32, Shape.of("batch_size", 4));
        Tensor b = g.input("b", DType.FLOAT32, Shape.of(4));
        Tensor i = g.input("i", DType.INT64, Shape.of(4));
        Map<String, Tensor> out = new HashMap<>();
        for (Op.BinaryFn fn : Op.BinaryFn.values()) {
            out.put(fn.name(), g.binary(fn, a, b));
        }
        out.put("IMAX", g.max(i, g.scalarLong(2)));
        out.put("IDIV", g.div(i, g.scalarLong(2)));
        for (Op.CompareFn fn : Op.CompareFn.values()) {
            out.put(fn.name(), g.cast(g.compare(fn, a, b), DType.INT64));
        }
        Tensor gt = g.greater(a, b);
        Tensor pos = g.greater(a, g.scalar(0));
        out.put("AND", g.cast(g.and(gt, pos), DType.FLOAT32));
        out.put("OR", g.cast(g.or(gt, g.not(pos)), DType.FLOAT32));
        out.put("WHERE", g.where(gt, a, b));
        out.put("CASTF", g.cast(i, DType.FLOAT32));
        HostTensor av = HostTensor.ofFloats(new long[] {2, 4}, new float[] {1, -2, 3, 0.5f, -1, 2, 2, 4});
        HostTensor bv = HostTensor.ofFloats(new long[] {4}, new float[] {0.5f, -2, 4, 1});
        HostTensor iv = HostTensor.ofLongs(new long[] {4}, new long[] {-3, 1, 5, 7});
        Map<String, HostTensor> r = run(g, out, Map.of("a", av, "b", bv, "i", iv));
        for (int k = 0; k < 8; k++) {
            float x = av.floats()[k];
            float y = bv.floats()[k % 4];
            assertThat(r.get("ADD").floats()[k]).isEqualTo(x + y);
            assertThat(r.get("SUB").floats()[k]).isEqualTo(x - y);
            assertThat(r.get("MUL").floats()[k]).isEqualTo(x * y);
            assertThat(r.get("DIV").floats()[k]).isEqualTo(x / y);
            assertThat(r.get("MAX").floats()[k]).isEqualTo(Math.max(x, y));
            assertThat(r.get("MIN").floats()[k]).isEqualTo(Math.min(x, y));
            assertThat(r.get("EQUAL").longs()[k]).isEqualTo(x == y ? 1 : 0);
            assertThat(r.get("LESS").longs()[k]).isEqualTo(x < y ? 1 : 0);
            assertThat(r.get("LESS_OR_EQUAL").longs()[k]).isEqualTo(x <= y ? 1 : 0);
            assertThat(r.get("GREATER").longs()[k]).isEqualTo(x > y ? 1 : 0);
            assertThat(r.get("GREATER_OR_EQUAL").longs()[k]).isEqualTo(x >= y ? 1 : 0);
            assertThat(r.get("AND").floats()[k]).isEqualTo(x > y && x > 0 ? 1f : 0f);
            assertThat(r.get("OR").floats()[k]).isEqualTo(x > y || !(x > 0) ? 1f : 0f);
            assertThat(r.get("WHERE").floats()[k]).isEqualTo(x > y ? x : y);
        }
        assertThat(r.get("IMAX").longs()).containsExactly(2, 2, 5, 7);
        assertThat(r.get("IDIV").longs()[2]).isEqualTo(2);
        assertThat(r.get("CASTF").floats()).containsExactly(-3f, 1f, 5f, 7f);
    }

    @Test
    void matmulTransposeReshapeSqueezeSliceConcat() {
        Graph g = new Graph();
        Tensor a = g.input("a", DType.FLOAT32, Shape.of("batch_size", 2, 3));
        Tensor w = g.input("w", DType.FLOAT32, Shape.of(3, 4));
        Map<String, Tensor> out = new HashMap<>();
        out.put("mm", g.matmul(a, w));
        out.put("tr", g.transpose(a, 0, 2, 1));
        out.put("rs", g.reshape(a, 0, -1));
        out.put("us", g.unsqueeze(a, 1, -1));
        out.put("sq", g.squeeze(g.unsqueeze(a, 1), 1));
        out.put("sl", g.slice(a, 2, 1, Long.MAX_VALUE));
        out.put("sn", g.slice(a, 2, -1, Long.MAX_VALUE));
        out.put("cc", g.concat(2, a, a));
        HostTensor av = floats(new long[] {2, 2, 3}, 2);
        HostTensor wv = floats(new long[] {3, 4}, 3);
        Map<String, HostTensor> r = run(g, out, Map.of("a", av, "w", wv));
        float[] x = av.floats();
        float[] y = wv.floats();
        for (int b = 0; b < 2; b++) {
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 4; j++) {
                    double s = 0;
                    for (int k = 0; k < 3; k++) {
                        s += x[b * 6 + i * 3 + k] * y[k * 4 + j];
                    }
                    assertThat(r.get("mm").floats()[b * 8 + i * 4 + j]).isCloseTo((float) s, within(1e-5f));
                }
                for (int k = 0; k < 3; k++) {
                    assertThat(r.get("tr").floats()[b * 6 + k * 2 + i]).isEqualTo(x[b * 6 + i * 3 + k]);
                }
                assertThat(r.get("sl").floats()[b * 4 + i * 2]).isEqualTo(x[b * 6 + i * 3 + 1]);
                assertThat(r.get("sn").floats()[b * 2 + i]).isEqualTo(x[b * 6 + i * 3 + 2]);
                assertThat(r.get("cc").floats()[b * 12 + i * 6 + 3]).isEqualTo(x[b * 6 + i * 3]);
            }
        }
        assertThat(r.get("rs").shape()).containsExactly(2, 6);
        assertThat(r.get("rs").floats()).containsExactly(x);
        assertThat(r.get("us").shape()).containsExactly(2, 1, 2, 3, 1);
        assertThat(r.get("sq").shape()).containsExactly(2, 2, 3);
        assertThat(r.get("sq").floats()).containsExactly(x);
    }

    @Test
    void reductionsSoftmaxLayerNorm() {
        Graph g = new Graph();
        Tensor a = g.input("a", DType.FLOAT32, Shape.of("batch_size", 3, 4));
        Tensor gamma = g.input("gamma", DType.FLOAT32, Shape.of(4));
        Tensor beta = g.input("beta", DType.FLOAT32, Shape.of(4));
        Map<String, Tensor> out = new HashMap<>();
        out.put("sum", g.reduceSum(a, false, 0, 2));
        out.put("meanKeep", g.reduceMean(a, true, -1));
        out.put("max", g.reduceMax(a, false, 1));
        out.put("all", g.sumAll(a));
        out.put("argmax", g.argMax(a, -1, false));
        out.put("softmax", g.softmax(a, -1));
        out.put("logsoftmax", g.logSoftmax(a, 1));
        out.put("ln", g.layerNorm(a, gamma, beta, 1e-5));
        HostTensor av = floats(new long[] {2, 3, 4}, 4);
        HostTensor gv = floats(new long[] {4}, 5);
        HostTensor bv = floats(new long[] {4}, 6);
        Map<String, HostTensor> r = run(g, out, Map.of("a", av, "gamma", gv, "beta", bv));
        float[] x = av.floats();
        double total = 0;
        for (float v : x) {
            total += v;
        }
        assertThat(r.get("all").floatValue()).isCloseTo((float) total, within(1e-4f));
        assertThat(r.get("meanKeep").shape()).containsExactly(2, 3, 1);
        for (int i = 0; i < 3; i++) {
            double s = 0;
            for (int b = 0; b < 2; b++) {
                for (int k = 0; k < 4; k++) {
                    s += x[b * 12 + i * 4 + k];
                }
            }
            assertThat(r.get("sum").floats()[i]).isCloseTo((float) s, within(1e-5f));
        }
        for (int b = 0; b < 2; b++) {
            for (int k = 0; k < 4; k++) {
                float m = Float.NEGATIVE_INFINITY;
                double lse = 0;
                for (int i = 0; i < 3; i++) {
                    m = Math.max(m, x[b * 12 + i * 4 + k]);
                }
                for (int i = 0; i < 3; i++) {
                    lse += Math.exp(x[b * 12 + i * 4 + k] - m);
                }
                assertThat(r.get("max").floats()[b * 4 + k]).isEqualTo(m);
                for (int i = 0; i < 3; i++) {
                    assertThat(r.get("logsoftmax").floats()[b * 12 + i * 4 + k]).isCloseTo((float) (x[b * 12 + i * 4 + k] - m - Math.log(lse)), within(1e-5f));
                }
            }
            for (int i = 0; i < 3; i++) {
                int base = b * 12 + i * 4;
                double mean = 0;
                double var = 0;
                double z = 0;
                int arg = 0;
                for (int k = 0; k < 4; k++) {
                    mean += x[base + k] / 4.0;
                    z += Math.exp(x[base + k]);
                    if (x[base + k] > x[base + arg]) {
                        arg = k;
                    }
                }
                for (int k = 0; k < 4; k++) {
                    var += (x[base + k] - mean) * (x[base + k] - mean) / 4.0;
                }
                assertThat(r.get("meanKeep").floats()[b * 3 + i]).isCloseTo((float) mean, within(1e-5f));
                assertThat(r.get("argmax").longs()[b * 3 + i]).isEqualTo(arg);
                for (int k = 0; k < 4; k++) {
                    double ln = (x[base + k] - mean) / Math.sqrt(var + 1e-5) * gv.floats()[k] + bv.floats()[k];
                    assertThat(r.get("ln").floats()[base + k]).isCloseTo((float) ln, within(1e-4f));
                    assertThat(r.get("softmax").floats()[base + k]).isCloseTo((float) (Math.exp(x[base + k]) / z), within(1e-6f));
                }
            }
        }
    }

    @Test
    void gatherScatterTakePutExpandArange() {
        Graph g = new Graph();
        Tensor table = g.input("table", DType.FLOAT32, Shape.of(5, 3));
        Tensor ids = g.input("ids", DType.INT64, Shape.of("batch_size", "sequence_length"));
        Tensor upd = g.input("upd", DType.FLOAT32, Shape.of("batch_size", "sequence_length", 3));
        Tensor logits = g.input("logits", DType.FLOAT32, Shape.of("batch_size", "sequence_length", 5));
        Map<String, Tensor> out = new HashMap<>();
        out.put("gather", g.gather(table, ids, 0));
        out.put("scatter", g.scatterAddRows(table, ids, upd));
        Tensor vals = g.takeAlongLastAxis(logits, ids);
        out.put("take", vals);
        out.put("put", g.putAlongLastAxis(logits, ids, vals));
        out.put("expand", g.expand(g.reshape(g.arange(ids, 1), 1, -1), ids));
        out.put("arange", g.arange(ids, 0));
        HostTensor tv = floats(new long[] {5, 3}, 7);
        long[] idv = {0, 2, 2, 4, 1, 2};
        HostTensor uv = floats(new long[] {2, 3, 3}, 8);
        HostTensor lv = floats(new long[] {2, 3, 5}, 9);
        Map<String, HostTensor> r = run(g, out, Map.of("table", tv, "ids", HostTensor.ofLongs(new long[] {2, 3}, idv), "upd", uv, "logits", lv));
        float[] expectedScatter = new float[15];
        for (int p = 0; p < 6; p++) {
            for (int c = 0; c < 3; c++) {
                assertThat(r.get("gather").floats()[p * 3 + c]).isEqualTo(tv.floats()[(int) idv[p] * 3 + c]);
                expectedScatter[(int) idv[p] * 3 + c] += uv.floats()[p * 3 + c];
            }
            float picked = lv.floats()[p * 5 + (int) idv[p]];
            assertThat(r.get("take").floats()[p]).isEqualTo(picked);
            for (int v = 0; v < 5; v++) {
                assertThat(r.get("put").floats()[p * 5 + v]).isEqualTo(v == idv[p] ? picked : 0f);
            }
        }
        for (int k = 0; k < 15; k++) {
            assertThat(r.get("scatter").floats()[k]).isCloseTo(expectedScatter[k], within(1e-6f));
        }
        assertThat(r.get("expand").longs()).containsExactly(0, 1, 2, 0, 1, 2);
        assertThat(r.get("arange").longs()).containsExactly(0, 1);
    }

    @Test
    void dropoutDrawsTheExactHashMaskOnTheHost() {
        Graph g = new Graph();
        Tensor x = g.input("x", DType.FLOAT32, Shape.of("batch_size", 7, 9));
        Tensor seed = g.input("seed", DType.INT64, Shape.scalar());
        checkDropout(g, Map.of("x", x), x, seed, floats(new long[] {4, 7, 9}, 10));
    }

    /** A dim derived by concatenation (1+sequence_length) gets a 1-D mask the graph cuts and reshapes: same hash, same values. */
    @Test
    void dropoutOfADerivedDimUsesAFlatHostMask() {
        Graph g = new Graph();
        Tensor x = g.input("x", DType.FLOAT32, Shape.of("batch_size", "sequence_length", 5));
        Tensor seed = g.input("seed", DType.INT64, Shape.scalar());
        Tensor withFirst = g.concat(1, g.slice(x, 1, 0, 1), x);
        assertThat(withFirst.shape().dim(1).isFixed()).isFalse();
        HostTensor xv = floats(new long[] {3, 6, 5}, 11);
        HostTensor expectedInput = HostTensor.ofFloats(new long[] {3, 7, 5}, concatFirst(xv.floats(), 3, 6, 5));
        checkDropout(g, Map.of("x", x), withFirst, seed, xv, expectedInput);
    }

    private static float[] concatFirst(float[] x, int batch, int seq, int width) {
        float[] out = new float[batch * (seq + 1) * width];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(x, b * seq * width, out, b * (seq + 1) * width, width);
            System.arraycopy(x, b * seq * width, out, (b * (seq + 1) + 1) * width, seq * width);
        }
        return out;
    }

    private static void checkDropout(Graph g, Map<String, Tensor> inputs, Tensor dropped, Tensor seed, HostTensor xv) {
        checkDropout(g, inputs, dropped, seed, xv, xv);
    }

    private static void checkDropout(Graph g, Map<String, Tensor> inputs, Tensor dropped, Tensor seed, HostTensor xv, HostTensor before) {
        double rate = 0.3;
        long salt = 12345;
        Map<String, Tensor> out = Map.of("y", g.dropout(dropped, seed, rate, salt));
        long seedValue = 2_000_000_011L;
        Map<String, HostTensor> r = run(g, out, Map.of("x", xv, "seed", HostTensor.scalar(seedValue)));
        assertThat(r.get("y").shape()).containsExactly(before.shape());
        long threshold = DropoutHash.threshold(rate);
        int key = DropoutHash.key(seedValue, salt);
        int kept = 0;
        for (int i = 0; i < before.size(); i++) {
            boolean keep = DropoutHash.keep(i, key, threshold);
            float expected = keep ? (float) (before.floats()[i] / (1 - rate)) : 0f;
            assertThat(r.get("y").floats()[i]).as("element %d", i).isCloseTo(expected, within(1e-6f));
            kept += keep ? 1 : 0;
        }
        // Binomial(n, 0.7): within five standard deviations.
        double n = before.size();
        assertThat((double) kept).isCloseTo(0.7 * n, within(5 * Math.sqrt(n * 0.21)));
    }

    @Test
    void constantsAndLeafOutputsGetIdentities() {
        Graph g = new Graph();
        Tensor x = g.input("x", DType.FLOAT32, Shape.of(2));
        Tensor c = g.constant(HostTensor.ofLongs(new long[] {3}, new long[] {4, 5, 6}));
        Map<String, Tensor> out = new java.util.LinkedHashMap<>();
        out.put("same", x);
        out.put("c", c);
        Tensor sum = g.add(x, x);
        out.put("sum", sum);
        out.put("sumAgain", sum);
        Map<String, HostTensor> r = run(g, out, Map.of("x", HostTensor.ofFloats(new long[] {2}, new float[] {1, 2})));
        assertThat(r.get("same").floats()).containsExactly(1, 2);
        assertThat(r.get("c").longs()).containsExactly(4, 5, 6);
        assertThat(r.get("sum").floats()).containsExactly(2, 4);
        assertThat(r.get("sumAgain").floats()).containsExactly(2, 4);
    }

    /** Abramowitz-Stegun 7.1.26 is too coarse; a series/continued-fraction free form: erf via the complementary Taylor sum. */
    static double erf(double x) {
        // Taylor series converges fast for |x| < 4 at double precision with enough terms.
        double sum = 0;
        double term = x;
        for (int n = 0; n < 200; n++) {
            sum += term / (2 * n + 1);
            term *= -x * x / (n + 1);
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }

    static String show(float[] v) {
        return Arrays.toString(v);
    }
}

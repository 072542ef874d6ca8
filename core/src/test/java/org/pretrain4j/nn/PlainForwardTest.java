package org.pretrain4j.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pretrain4j.graph.Graph;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.graph.Initializer;
import org.pretrain4j.graph.Op;
import org.pretrain4j.graph.Tensor;
import org.pretrain4j.spi.AttentionKind;
import org.pretrain4j.testkit.NdArray;
import org.pretrain4j.testkit.ReferenceInterpreter;
import org.pretrain4j.testkit.TinyModels;

/**
 * The graph's encoder and decoder against a second, independent definition of BERT and GPT-2
 * written as plain loops over the same weights. Gradient checks prove that the backward pass
 * matches the forward pass; only this proves that the forward pass is the architecture it claims
 * to be (attention over keys, heads split as BERT splits them, positions, token types, padding,
 * LayerNorm placement). Agreement is to 1e-6, not 1e-12: the graph holds scalar constants
 * such as 1/sqrt(d) in float32, while any semantic slip shows up at 1e-2 or more.
 */
final class PlainForwardTest {
    private static final long SEED = 2024;
    private static final long[][] IDS = {{2, 17, 23, 5, 41, 9, 33, 3}, {2, 30, 3, 11, 12, 3, 0, 0}};
    private static final long[][] MASK = {{1, 1, 1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 1, 0, 0}};
    private static final long[][] TYPES = {{0, 0, 0, 0, 1, 1, 1, 1}, {0, 0, 0, 1, 1, 1, 0, 0}};

    @Test
    void encoderIsPostLnBert() {
        TransformerConfig config = TinyModels.config(AttentionKind.BIDIRECTIONAL, 0);
        assertMatchesPlain(config, false);
    }

    @Test
    void decoderIsPreLnGpt2() {
        TransformerConfig config = TinyModels.config(AttentionKind.CAUSAL, 0);
        assertMatchesPlain(config, true);
    }

    private static void assertMatchesPlain(TransformerConfig config, boolean causal) {
        Graph g = new Graph();
        Transformer model = Transformer.build(g, config, TinyModels.tokens(config.attention()), false);
        Map<String, double[]> w = new LinkedHashMap<>();
        Map<String, NdArray> variables = new LinkedHashMap<>();
        for (Tensor t : g.nodes()) {
            if (t.op() instanceof Op.Variable v) {
                float[] values = Initializer.initialValues(v.init(), t.shape(), v.name(), SEED);
                NdArray array = NdArray.of(HostTensor.ofFloats(t.shape().fixedSizes(), values));
                variables.put(v.name(), array);
                w.put(v.name(), array.doubles());
            }
        }
        int batch = IDS.length;
        int length = IDS[0].length;
        Map<String, NdArray> inputs = new LinkedHashMap<>();
        inputs.put(Transformer.INPUT_IDS, NdArray.ofLongs(new long[] {batch, length}, flat(IDS)));
        inputs.put(Transformer.ATTENTION_MASK, NdArray.ofLongs(new long[] {batch, length}, flat(MASK)));
        if (!causal) {
            inputs.put(Transformer.TOKEN_TYPE_IDS, NdArray.ofLongs(new long[] {batch, length}, flat(TYPES)));
        }
        double[] graph = new ReferenceInterpreter(inputs, variables).evaluate(model.hidden()).doubles();
        int h = config.hidden();
        for (int b = 0; b < batch; b++) {
            double[][] plain = plainForward(config, w, IDS[b], MASK[b], TYPES[b], causal);
            for (int p = 0; p < length; p++) {
                if (MASK[b][p] == 0) {
                    continue; // padding rows are not defined by either architecture
                }
                for (int i = 0; i < h; i++) {
                    assertThat(graph[(b * length + p) * h + i]).as("batch %d position %d unit %d", b, p, i)
                            .isCloseTo(plain[p][i], org.assertj.core.data.Offset.offset(1e-6));
                }
            }
        }
    }

    /** One sequence through the architecture written out by hand. */
    private static double[][] plainForward(TransformerConfig c, Map<String, double[]> w, long[] ids, long[] mask,
                                           long[] types, boolean causal) {
        int s = ids.length;
        int h = c.hidden();
        double[][] x = new double[s][h];
        for (int p = 0; p < s; p++) {
            for (int i = 0; i < h; i++) {
                x[p][i] = w.get("embeddings/word")[(int) ids[p] * h + i] + w.get("embeddings/position")[p * h + i]
                        + (causal ? 0 : w.get("embeddings/token_type")[(int) types[p] * h + i]);
            }
        }
        if (!causal) {
            x = layerNorm(x, w, "embeddings/layer_norm", c.layerNormEpsilon());
        }
        for (int layer = 0; layer < c.layers(); layer++) {
            String prefix = "layer_" + layer;
            if (causal) {
                x = add(x, attention(layerNorm(x, w, prefix + "/attention/layer_norm", c.layerNormEpsilon()), w, prefix,
                        c, mask, true));
                x = add(x, feedForward(layerNorm(x, w, prefix + "/ffn/layer_norm", c.layerNormEpsilon()), w, prefix));
            } else {
                x = layerNorm(add(x, attention(x, w, prefix, c, mask, false)), w, prefix + "/attention/layer_norm",
                        c.layerNormEpsilon());
                x = layerNorm(add(x, feedForward(x, w, prefix)), w, prefix + "/ffn/layer_norm", c.layerNormEpsilon());
            }
        }
        return causal ? layerNorm(x, w, "final_layer_norm", c.layerNormEpsilon()) : x;
    }

    private static double[][] attention(double[][] x, Map<String, double[]> w, String prefix, TransformerConfig c,
                                        long[] mask, boolean causal) {
        int s = x.length;
        int d = c.headSize();
        double[][] q = dense(x, w.get(prefix + "/attention/query/weight"), w.get(prefix + "/attention/query/bias"));
        double[][] k = dense(x, w.get(prefix + "/attention/key/weight"), null);
        double[][] v = dense(x, w.get(prefix + "/attention/value/weight"), w.get(prefix + "/attention/value/bias"));
        double[][] context = new double[s][c.hidden()];
        for (int head = 0; head < c.heads(); head++) {
            for (int i = 0; i < s; i++) {
                double[] weights = new double[s];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < s; j++) {
                    if (mask[j] == 0 || (causal && j > i)) {
                        weights[j] = Double.NEGATIVE_INFINITY;
                        continue;
                    }
                    double score = 0;
                    for (int e = 0; e < d; e++) {
                        score += q[i][head * d + e] * k[j][head * d + e];
                    }
                    weights[j] = score / Math.sqrt(d);
                    max = Math.max(max, weights[j]);
                }
                double total = 0;
                for (int j = 0; j < s; j++) {
                    weights[j] = Math.exp(weights[j] - max);
                    total += weights[j];
                }
                for (int j = 0; j < s; j++) {
                    for (int e = 0; e < d; e++) {
                        context[i][head * d + e] += weights[j] / total * v[j][head * d + e];
                    }
                }
            }
        }
        return dense(context, w.get(prefix + "/attention/output/weight"), w.get(prefix + "/attention/output/bias"));
    }

    private static double[][] feedForward(double[][] x, Map<String, double[]> w, String prefix) {
        double[][] u = dense(x, w.get(prefix + "/ffn/intermediate/weight"), w.get(prefix + "/ffn/intermediate/bias"));
        for (double[] row : u) {
            for (int i = 0; i < row.length; i++) {
                row[i] = row[i] * 0.5 * ReferenceInterpreter.erfc(-row[i] / Math.sqrt(2));
            }
        }
        return dense(u, w.get(prefix + "/ffn/output/weight"), w.get(prefix + "/ffn/output/bias"));
    }

    /** {@code x W + b} with W stored [in, out] row-major. */
    private static double[][] dense(double[][] x, double[] weight, double[] bias) {
        int in = x[0].length;
        int out = weight.length / in;
        double[][] y = new double[x.length][out];
        for (int p = 0; p < x.length; p++) {
            for (int o = 0; o < out; o++) {
                double acc = bias == null ? 0 : bias[o];
                for (int i = 0; i < in; i++) {
                    acc += x[p][i] * weight[i * out + o];
                }
                y[p][o] = acc;
            }
        }
        return y;
    }

    private static double[][] layerNorm(double[][] x, Map<String, double[]> w, String name, double epsilon) {
        double[] gamma = w.get(name + "/gamma");
        double[] beta = w.get(name + "/beta");
        double[][] y = new double[x.length][];
        for (int p = 0; p < x.length; p++) {
            int h = x[p].length;
            double mean = 0;
            for (double v : x[p]) {
                mean += v / h;
            }
            double variance = 0;
            for (double v : x[p]) {
                variance += (v - mean) * (v - mean) / h;
            }
            y[p] = new double[h];
            for (int i = 0; i < h; i++) {
                y[p][i] = (x[p][i] - mean) / Math.sqrt(variance + epsilon) * gamma[i] + beta[i];
            }
        }
        return y;
    }

    private static double[][] add(double[][] a, double[][] b) {
        double[][] y = new double[a.length][a[0].length];
        for (int p = 0; p < a.length; p++) {
            for (int i = 0; i < a[0].length; i++) {
                y[p][i] = a[p][i] + b[p][i];
            }
        }
        return y;
    }

    private static long[] flat(long[][] rows) {
        long[] out = new long[rows.length * rows[0].length];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, out, r * rows[0].length, rows[r].length);
        }
        return out;
    }
}

package org.pretrain4j.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.pretrain4j.data.Batch;
import org.pretrain4j.graph.DType;
import org.pretrain4j.graph.Graph;
import org.pretrain4j.graph.GraphException;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.graph.Initializer;
import org.pretrain4j.graph.Op;
import org.pretrain4j.graph.Program;
import org.pretrain4j.graph.Shape;
import org.pretrain4j.graph.Tensor;
import org.pretrain4j.objective.Objectives;
import org.pretrain4j.spi.AttentionKind;
import org.pretrain4j.spi.LossTerm;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.testkit.FakePairObjective;
import org.pretrain4j.testkit.FakeTokenObjective;
import org.pretrain4j.testkit.GradientChecker;
import org.pretrain4j.testkit.NdArray;
import org.pretrain4j.testkit.ReferenceInterpreter;
import org.pretrain4j.testkit.TinyModels;
import org.pretrain4j.text.SpecialTokens;
import org.pretrain4j.train.TrainingGraphs;

final class TransformerTest {
    private static final long SEED = 99;

    @Test
    void encoderHasBertParametersWithStableNames() {
        Graph g = new Graph();
        Transformer model = Transformer.build(g, TinyModels.config(AttentionKind.BIDIRECTIONAL, 0.1), TinyModels.BERT_TOKENS, true);
        Map<String, Shape> shapes = variableShapes(g);
        assertThat(shapes).containsEntry("embeddings/word", Shape.fixed(50, 16))
                .containsEntry("embeddings/position", Shape.fixed(16, 16))
                .containsEntry("embeddings/token_type", Shape.fixed(2, 16))
                .containsEntry("embeddings/layer_norm/gamma", Shape.fixed(16))
                .containsEntry("layer_1/attention/query/weight", Shape.fixed(16, 16))
                .containsEntry("layer_1/attention/key/weight", Shape.fixed(16, 16))
                .containsEntry("layer_1/attention/value/weight", Shape.fixed(16, 16))
                .containsEntry("layer_1/attention/query/bias", Shape.fixed(16))
                .containsEntry("layer_1/attention/value/bias", Shape.fixed(16))
                .doesNotContainKey("layer_1/attention/key/bias")
                .containsEntry("layer_1/attention/output/weight", Shape.fixed(16, 16))
                .containsEntry("layer_1/ffn/intermediate/weight", Shape.fixed(16, 32))
                .containsEntry("layer_1/ffn/output/weight", Shape.fixed(32, 16))
                .containsEntry("layer_1/ffn/layer_norm/beta", Shape.fixed(16))
                .doesNotContainKey("final_layer_norm/gamma");
        // 5 embedding tensors + 15 per layer.
        assertThat(shapes).hasSize(5 + 2 * 15);
        assertThat(model.hidden().shape()).isEqualTo(Shape.of("batch_size", "sequence_length", 16));
        assertThat(model.tokenEmbedding().name()).isEqualTo("embeddings/word");
        assertThat(g.named("dropout_seed").shape()).isEqualTo(Shape.scalar());
        // Biases and LayerNorm parameters are exempt from weight decay, weights are not.
        for (Tensor t : g.nodes()) {
            if (t.op() instanceof Op.Variable v) {
                boolean exempt = v.name().endsWith("/bias") || v.name().endsWith("/gamma") || v.name().endsWith("/beta");
                assertThat(v.weightDecay()).as(v.name()).isEqualTo(!exempt);
            }
        }
    }

    @Test
    void decoderIsPreLnWithFinalLayerNormAndNoTokenTypes() {
        Graph g = new Graph();
        Transformer.build(g, TinyModels.config(AttentionKind.CAUSAL, 0.1), TinyModels.GPT_TOKENS, false);
        Map<String, Shape> shapes = variableShapes(g);
        assertThat(shapes).containsKeys("final_layer_norm/gamma", "final_layer_norm/beta", "layer_0/attention/layer_norm/gamma")
                .doesNotContainKeys("embeddings/token_type", "embeddings/layer_norm/gamma");
        assertThat(g.named(Transformer.TOKEN_TYPE_IDS)).isNull();
        assertThat(g.named(Transformer.DROPOUT_SEED)).as("no dropout outside training").isNull();
    }

    @Test
    void everyProgramOfARunUsesTheSameParameterNames() {
        for (AttentionKind attention : AttentionKind.values()) {
            Objective objective = objective(attention);
            TrainingGraphs graphs = new TrainingGraphs(TinyModels.config(attention, 0.1), TinyModels.tokens(attention), objective,
                    org.pretrain4j.graph.AdamW.Config.bert(), SEED);
            Set<String> training = names(graphs.trainingStep().variables());
            Set<String> parameters = training.stream().filter(n -> !n.startsWith("adam_")).collect(Collectors.toCollection(TreeSet::new));
            assertThat(names(graphs.evaluationStep().variables())).isEqualTo(parameters);
            assertThat(parameters).containsAll(names(graphs.exportPrograms().get("model").variables()));
            assertThat(training).contains("adam_m/embeddings/word", "adam_v/embeddings/word");
        }
    }

    @Test
    void encoderGradientsMatchFiniteDifferences() {
        checkGradients(AttentionKind.BIDIRECTIONAL, new int[] {8, 5, 3});
    }

    @Test
    void decoderGradientsMatchFiniteDifferences() {
        checkGradients(AttentionKind.CAUSAL, new int[] {8, 6, 3});
    }

    private static void checkGradients(AttentionKind attention, int[] lengths) {
        Objective objective = objective(attention);
        TransformerConfig config = TinyModels.config(attention, 0.1);
        TrainingGraphs graphs = new TrainingGraphs(config, TinyModels.tokens(attention), objective,
                org.pretrain4j.graph.AdamW.Config.bert(), SEED);
        Graph g = new Graph();
        Transformer model = Transformer.build(g, config, TinyModels.tokens(attention), true);
        Tensor loss = null;
        for (LossTerm term : objective.buildLoss(model)) {
            Tensor part = g.mul(term.lossSum(), g.input(TrainingGraphs.lossScaleName(term.name()), DType.FLOAT32, Shape.scalar()));
            loss = loss == null ? part : g.add(loss, part);
        }
        List<Tensor> parameters = new ArrayList<>();
        for (Tensor t : g.nodes()) {
            if (t.op() instanceof Op.Variable) {
                parameters.add(t);
            }
        }
        Batch batch = TinyModels.batch(objective, TinyModels.tokens(attention), lengths, TinyModels.SEQUENCE, 5);
        Map<String, HostTensor> inputs = TinyModels.merge(batch.inputs(), graphs.lossScales(batch.counts()),
                Map.of(Transformer.DROPOUT_SEED, HostTensor.scalar(1234L)));
        inputs.keySet().retainAll(names(new Program("p", g, Map.of("loss", loss), List.of(), 0).inputs()));
        assertThat(GradientChecker.maxRelativeError(loss, parameters, inputs, 7)).isLessThanOrEqualTo(1e-6);
    }

    @Test
    void paddingDoesNotChangeTheOutputsOfTokens() {
        for (AttentionKind attention : AttentionKind.values()) {
            TransformerConfig config = TinyModels.config(attention, 0.0);
            Graph g = new Graph();
            Transformer model = Transformer.build(g, config, TinyModels.tokens(attention), false);
            Map<String, NdArray> variables = initialVariables(g);
            Map<String, HostTensor> inputs = plainInputs(new long[][] {{7, 8, 9, 10, 0, 0}}, new long[][] {{1, 1, 1, 1, 0, 0}});
            double[] before = evaluate(model.hidden(), inputs, variables).doubles();
            // Other ids under the padding must not reach the tokens.
            inputs.put(Transformer.INPUT_IDS, HostTensor.ofLongs(new long[] {1, 6}, new long[] {7, 8, 9, 10, 33, 44}));
            double[] after = evaluate(model.hidden(), inputs, variables).doubles();
            for (int i = 0; i < 4 * 16; i++) {
                assertThat(after[i]).as("%s hidden[%d]", attention, i).isEqualTo(before[i]);
            }
            assertThat(after[4 * 16]).isNotEqualTo(before[4 * 16]);
        }
    }

    @Test
    void causalAttentionDoesNotSeeTheFuture() {
        TransformerConfig config = TinyModels.config(AttentionKind.CAUSAL, 0.0);
        Graph g = new Graph();
        Transformer model = Transformer.build(g, config, TinyModels.GPT_TOKENS, false);
        Map<String, NdArray> variables = initialVariables(g);
        Map<String, HostTensor> inputs = plainInputs(new long[][] {{7, 8, 9, 10, 11}}, new long[][] {{1, 1, 1, 1, 1}});
        double[] before = evaluate(model.hidden(), inputs, variables).doubles();
        inputs.put(Transformer.INPUT_IDS, HostTensor.ofLongs(new long[] {1, 5}, new long[] {7, 8, 9, 20, 21}));
        double[] after = evaluate(model.hidden(), inputs, variables).doubles();
        for (int i = 0; i < 3 * 16; i++) {
            assertThat(after[i]).as("hidden[%d] of the first three tokens", i).isEqualTo(before[i]);
        }
        assertThat(after[3 * 16]).isNotEqualTo(before[3 * 16]);
    }

    /**
     * Generation as transformers.js does it: a left-padded prompt in one call, then one token per
     * call through the cache. Logits of every real token equal the single call over the whole
     * sequence and the training graph's forward over the unpadded row, in float64.
     */
    @Test
    void tokenByTokenThroughTheCacheEqualsTheFullForward() {
        TransformerConfig config = TinyModels.config(AttentionKind.CAUSAL, 0.1);
        FakeTokenObjective head = new FakeTokenObjective(AttentionKind.CAUSAL);
        Graph cached = new Graph();
        Transformer decoder = Transformer.buildCachedDecoder(cached, config, TinyModels.GPT_TOKENS);
        Map<String, Tensor> outputs = new LinkedHashMap<>(head.buildInference(decoder));
        outputs.putAll(decoder.presentKeyValues());
        assertThat(outputs.keySet()).containsExactly("logits", "present.0.key", "present.0.value", "present.1.key", "present.1.value");
        Map<String, NdArray> variables = initialVariables(cached);

        long[][] ids = {{11, 12, 13, 14, 15, 16, 17}, {0, 0, 21, 22, 23, 24, 25}};
        long[][] mask = {{1, 1, 1, 1, 1, 1, 1}, {0, 0, 1, 1, 1, 1, 1}};
        int total = 7;
        int batch = 2;
        int v = TinyModels.VOCABULARY;

        double[] whole = runCached(cached, outputs, variables, ids, mask, 0, total, emptyCache(config, batch)).get("logits").doubles();

        Map<String, NdArray> cache = emptyCache(config, batch);
        double[] stepwise = new double[batch * total * v];
        int[][] chunks = {{0, 3}, {3, 4}, {4, 5}, {5, 6}, {6, 7}};
        for (int[] chunk : chunks) {
            Map<String, NdArray> result = runCached(cached, outputs, variables, ids, mask, chunk[0], chunk[1], cache);
            double[] logits = result.get("logits").doubles();
            int n = chunk[1] - chunk[0];
            for (int b = 0; b < batch; b++) {
                System.arraycopy(logits, b * n * v, stepwise, (b * total + chunk[0]) * v, n * v);
            }
            cache = new LinkedHashMap<>();
            for (int layer = 0; layer < config.layers(); layer++) {
                for (boolean key : new boolean[] {true, false}) {
                    NdArray present = result.get(Transformer.presentName(layer, key));
                    assertThat(present.shape()).containsExactly(batch, config.heads(), chunk[1], config.headSize());
                    cache.put(Transformer.pastName(layer, key), present);
                }
            }
        }
        // The training graph's forward over each row without its padding.
        Graph full = new Graph();
        Transformer model = Transformer.build(full, config, TinyModels.GPT_TOKENS, false);
        Tensor fullLogits = head.buildInference(model).get("logits");
        double[] row0 = evaluate(fullLogits, plainInputs(new long[][] {ids[0]}, new long[][] {mask[0]}), variables).doubles();
        double[] row1 = evaluate(fullLogits, plainInputs(new long[][] {{21, 22, 23, 24, 25}}, new long[][] {{1, 1, 1, 1, 1}}),
                variables).doubles();

        double scale = 0;
        for (double x : whole) {
            scale = Math.max(scale, Math.abs(x));
        }
        double tolerance = 1e-9 * Math.max(1, scale);
        for (int b = 0; b < batch; b++) {
            for (int p = 0; p < total; p++) {
                if (mask[b][p] == 0) {
                    continue;
                }
                for (int k = 0; k < v; k++) {
                    int at = (b * total + p) * v + k;
                    double reference = b == 0 ? row0[p * v + k] : row1[(p - 2) * v + k];
                    assertThat(whole[at]).as("one call vs training forward, row %d position %d", b, p).isCloseTo(reference,
                            org.assertj.core.api.Assertions.within(tolerance));
                    assertThat(stepwise[at]).as("through the cache vs one call, row %d position %d", b, p).isCloseTo(whole[at],
                            org.assertj.core.api.Assertions.within(tolerance));
                }
            }
        }
    }

    @Test
    void wrongConfigurationsFailWithClearMessages() {
        TransformerConfig bert = TinyModels.config(AttentionKind.BIDIRECTIONAL, 0.1);
        assertThatThrownBy(() -> Transformer.build(new Graph(), bert, new SpecialTokens(0, 1, 2, 3, 77, -1, -1), false))
                .isInstanceOf(GraphException.class).hasMessageContaining("mask=77").hasMessageContaining("vocabulary of 50");
        assertThatThrownBy(() -> Transformer.buildCachedDecoder(new Graph(), bert, TinyModels.BERT_TOKENS))
                .isInstanceOf(GraphException.class).hasMessageContaining("causal");
        Transformer model = Transformer.build(new Graph(), bert, TinyModels.BERT_TOKENS, true);
        assertThatThrownBy(() -> model.input(Transformer.TOKEN_TYPE_IDS, DType.INT64, Shape.of("batch_size")))
                .isInstanceOf(GraphException.class).hasMessageContaining("token_type_ids").hasMessageContaining("already");
        assertThat(model.input(Transformer.TOKEN_TYPE_IDS, DType.INT64, Shape.of("batch_size", "sequence_length")))
                .isSameAs(model.graph().named(Transformer.TOKEN_TYPE_IDS));
        model.dropout(model.hidden(), "head");
        assertThatThrownBy(() -> model.dropout(model.hidden(), "head")).hasMessageContaining("'head' is used twice");
        // A head whose size does not fit the hidden size fails where it is built, naming the op and shapes.
        Graph g = model.graph();
        Tensor wrong = g.weight("wrong", Shape.fixed(8, 4), org.pretrain4j.graph.Init.zeros());
        assertThatThrownBy(() -> g.matmul(model.hidden(), wrong)).isInstanceOf(GraphException.class)
                .hasMessageContaining("MatMul").hasMessageContaining("[batch_size, sequence_length, 16]");
        assertThatThrownBy(() -> bert.checkSequenceLength(17)).hasMessageContaining("sequence length 17 does not fit")
                .hasMessageContaining("[1, 16]");
        bert.checkSequenceLength(16);
        assertThatThrownBy(() -> new TransformerConfig(2, 18, 4, 32, 50, 16, 2, AttentionKind.BIDIRECTIONAL, 0.1, 0.1, 1e-12, 0.02))
                .hasMessageContaining("hidden 18 is not a multiple of heads 4");
    }

    // ---- helpers ----

    private static Objective objective(AttentionKind attention) {
        return attention == AttentionKind.CAUSAL ? new FakeTokenObjective(attention)
                : Objectives.compose(List.of(new FakeTokenObjective(attention), new FakePairObjective()), Map.of());
    }

    private static Map<String, NdArray> runCached(Graph g, Map<String, Tensor> outputs, Map<String, NdArray> variables,
            long[][] ids, long[][] mask, int from, int to, Map<String, NdArray> cache) {
        int batch = ids.length;
        int n = to - from;
        long[] chunk = new long[batch * n];
        long[] positions = new long[batch * n];
        long[] visible = new long[batch * to];
        for (int b = 0; b < batch; b++) {
            long seen = 0;
            for (int p = 0; p < to; p++) {
                visible[b * to + p] = mask[b][p];
                seen += mask[b][p];
                if (p >= from) {
                    chunk[b * n + p - from] = ids[b][p];
                    // transformers.js: cumsum(mask) - 1, padding at 1 (any valid id: it is masked).
                    positions[b * n + p - from] = mask[b][p] == 0 ? 1 : seen - 1;
                }
            }
        }
        Map<String, NdArray> inputs = new LinkedHashMap<>(cache);
        inputs.put(Transformer.INPUT_IDS, NdArray.ofLongs(new long[] {batch, n}, chunk));
        inputs.put(Transformer.POSITION_IDS, NdArray.ofLongs(new long[] {batch, n}, positions));
        inputs.put(Transformer.ATTENTION_MASK, NdArray.ofLongs(new long[] {batch, to}, visible));
        return ReferenceInterpreter.run(outputs, inputs, variables);
    }

    private static Map<String, NdArray> emptyCache(TransformerConfig config, int batch) {
        Map<String, NdArray> cache = new LinkedHashMap<>();
        for (int layer = 0; layer < config.layers(); layer++) {
            for (boolean key : new boolean[] {true, false}) {
                cache.put(Transformer.pastName(layer, key),
                        NdArray.ofDoubles(new long[] {batch, config.heads(), 0, config.headSize()}, new double[0]));
            }
        }
        return cache;
    }

    /** input_ids, attention_mask and all-zero token_type_ids. */
    private static Map<String, HostTensor> plainInputs(long[][] ids, long[][] mask) {
        int batch = ids.length;
        int length = ids[0].length;
        long[] flatIds = new long[batch * length];
        long[] flatMask = new long[batch * length];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(ids[b], 0, flatIds, b * length, length);
            System.arraycopy(mask[b], 0, flatMask, b * length, length);
        }
        long[] shape = {batch, length};
        Map<String, HostTensor> inputs = new LinkedHashMap<>();
        inputs.put(Transformer.INPUT_IDS, HostTensor.ofLongs(shape, flatIds));
        inputs.put(Transformer.ATTENTION_MASK, HostTensor.ofLongs(shape, flatMask));
        inputs.put(Transformer.TOKEN_TYPE_IDS, HostTensor.ofLongs(shape, new long[batch * length]));
        return inputs;
    }

    private static NdArray evaluate(Tensor target, Map<String, HostTensor> inputs, Map<String, NdArray> variables) {
        return new ReferenceInterpreter(ReferenceInterpreter.widen(inputs), variables).evaluate(target);
    }

    /** Every variable of the graph at its initial value for {@link #SEED}. */
    private static Map<String, NdArray> initialVariables(Graph g) {
        Map<String, NdArray> variables = new LinkedHashMap<>();
        for (Tensor t : g.nodes()) {
            if (t.op() instanceof Op.Variable v) {
                float[] values = Initializer.initialValues(v.init(), t.shape(), v.name(), SEED);
                variables.put(v.name(), NdArray.of(HostTensor.ofFloats(t.shape().fixedSizes(), values)));
            }
        }
        return variables;
    }

    private static Map<String, Shape> variableShapes(Graph g) {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        for (Tensor t : g.nodes()) {
            if (t.op() instanceof Op.Variable v) {
                shapes.put(v.name(), t.shape());
            }
        }
        return shapes;
    }

    private static Set<String> names(List<Tensor> tensors) {
        return tensors.stream().map(Tensor::name).collect(Collectors.toCollection(TreeSet::new));
    }
}

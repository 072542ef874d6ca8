package org.pretrain4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.pretrain4j.data.Batch;
import org.pretrain4j.graph.AdamW;
import org.pretrain4j.graph.DType;
import org.pretrain4j.graph.Executable;
import org.pretrain4j.graph.GraphException;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.graph.Program;
import org.pretrain4j.graph.Shape;
import org.pretrain4j.graph.Tensor;
import org.pretrain4j.nn.TransformerConfig;
import org.pretrain4j.objective.Objectives;
import org.pretrain4j.spi.AttentionKind;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.testkit.FakePairObjective;
import org.pretrain4j.testkit.FakeTokenObjective;
import org.pretrain4j.testkit.ReferenceBackend;
import org.pretrain4j.testkit.TinyModels;

final class TrainingGraphsTest {
    private static final AdamW.Config ADAM = new AdamW.Config(0.9, 0.999, 1e-6, 0.01, 1.0);

    private static TrainingGraphs bert(double dropout) {
        Objective objective = Objectives.compose(List.of(new FakeTokenObjective(AttentionKind.BIDIRECTIONAL), new FakePairObjective()),
                Map.of("fake-pair", 0.5));
        return new TrainingGraphs(TinyModels.config(AttentionKind.BIDIRECTIONAL, dropout), TinyModels.BERT_TOKENS, objective, ADAM, 3);
    }

    private static TrainingGraphs gpt(double dropout) {
        return new TrainingGraphs(TinyModels.config(AttentionKind.CAUSAL, dropout), TinyModels.GPT_TOKENS,
                new FakeTokenObjective(AttentionKind.CAUSAL), ADAM, 3);
    }

    @Test
    void aTinyEncoderTrainedOnAFixedBatchHalvesItsLoss() {
        TrainingGraphs graphs = new TrainingGraphs(new TransformerConfig(2, 16, 2, 32, 50, 16, 2, AttentionKind.BIDIRECTIONAL,
                0.1, 0.1, 1e-12, 0.02), TinyModels.BERT_TOKENS, new FakeTokenObjective(AttentionKind.BIDIRECTIONAL), ADAM, 3);
        Program step = graphs.trainingStep();
        Batch batch = TinyModels.batch(graphs.objective(), TinyModels.BERT_TOKENS, new int[] {8, 6, 5, 8}, 8, 17);
        double first = 0;
        double last = 0;
        try (ReferenceBackend backend = new ReferenceBackend(); Executable executable = backend.compile(step)) {
            for (int s = 1; s <= 30; s++) {
                Map<String, HostTensor> inputs = TinyModels.merge(batch.inputs(), graphs.lossScales(batch.counts()),
                        Map.of("dropout_seed", HostTensor.scalar((long) s), "learning_rate", HostTensor.scalar(1e-2f),
                                "step", HostTensor.scalar((float) s)));
                Map<String, HostTensor> outputs = executable.run(inputs);
                double loss = outputs.get("loss").floatValue();
                assertThat(loss).as("loss at step " + s).isFinite();
                assertThat(outputs.get("gradient_norm").floatValue()).isPositive();
                if (s == 1) {
                    first = loss;
                }
                last = loss;
            }
        }
        assertThat(first).as("initial loss near ln(50)").isCloseTo(Math.log(50), within(0.5));
        assertThat(last).as("loss after 30 steps, from " + first).isLessThan(first / 2);
    }

    @Test
    void accumulatingTwoHalvesEqualsOneStepOnTheWholeBatch() {
        TrainingGraphs graphs = new TrainingGraphs(TinyModels.config(AttentionKind.BIDIRECTIONAL, 0.0), TinyModels.BERT_TOKENS,
                new FakeTokenObjective(AttentionKind.BIDIRECTIONAL), ADAM, 3);
        Batch whole = TinyModels.batch(graphs.objective(), TinyModels.BERT_TOKENS, new int[] {8, 5, 6, 3}, 8, 23);
        Map<String, HostTensor> scales = graphs.lossScales(whole.counts());
        Map<String, HostTensor> step = Map.of("learning_rate", HostTensor.scalar(1e-2f), "step", HostTensor.scalar(1f));
        try (ReferenceBackend backend = new ReferenceBackend(); Executable fused = backend.compile(graphs.trainingStep());
                Executable accumulate = backend.compile(graphs.accumulationStep());
                Executable apply = backend.compile(graphs.applyStep())) {
            Map<String, HostTensor> wholeOut = fused.run(TinyModels.merge(whole.inputs(), scales, step));
            double accumulatedLoss = 0;
            for (int[] rows : new int[][] {{0, 2}, {2, 4}}) {
                Map<String, HostTensor> half = new LinkedHashMap<>();
                whole.inputs().forEach((name, t) -> half.put(name, rows(t, rows[0], rows[1])));
                accumulatedLoss += accumulate.run(TinyModels.merge(half, scales)).get("loss").floatValue();
            }
            apply.loadState(TrainingGraphs.stateFor(graphs.applyStep(), accumulate.readState()));
            double norm = apply.run(step).get("gradient_norm").floatValue();
            assertThat(accumulatedLoss).isCloseTo(wholeOut.get("loss").floatValue(), within(1e-5));
            assertThat(norm).isCloseTo(wholeOut.get("gradient_norm").floatValue(), within(1e-5 * norm));
            Map<String, HostTensor> expected = fused.readState();
            Map<String, HostTensor> actual = apply.readState();
            assertThat(actual.keySet()).containsAll(expected.keySet());
            for (Map.Entry<String, HostTensor> e : expected.entrySet()) {
                float[] x = e.getValue().floats();
                float[] a = actual.get(e.getKey()).floats();
                for (int i = 0; i < x.length; i++) {
                    assertThat(a[i]).as("%s[%d]", e.getKey(), i).isCloseTo(x[i], within(1e-6f + 1e-5f * Math.abs(x[i])));
                }
            }
            actual.forEach((name, value) -> {
                if (name.startsWith("grad_acc/")) {
                    assertThat(value.floats()).as(name).containsOnly(0f);
                }
            });
        }
    }

    @Test
    void lossScalesAreTermWeightOverTheWholeCount() {
        TrainingGraphs graphs = bert(0.1);
        assertThat(graphs.terms()).containsExactly("token", "pair");
        assertThat(graphs.termWeights()).containsEntry("token", 1.0).containsEntry("pair", 0.5);
        Map<String, HostTensor> scales = graphs.lossScales(Map.of("token", 10L, "pair", 4L));
        assertThat(scales.get("loss_scale/token").floatValue()).isEqualTo(0.1f);
        assertThat(scales.get("loss_scale/pair").floatValue()).isEqualTo(0.125f);
        assertThat(graphs.lossScales(Map.of("token", 0L, "pair", 4L)).get("loss_scale/token").floatValue()).isZero();
        assertThatThrownBy(() -> graphs.lossScales(Map.of("token", 3L)))
                .hasMessageContaining("no target count for loss term 'pair'");
    }

    @Test
    void trainingProgramsHaveTheDocumentedInputsAndOutputs() {
        TrainingGraphs graphs = bert(0.1);
        Set<String> batch = Set.of("input_ids", "attention_mask", "token_type_ids", "token_labels", "pair_labels");
        Set<String> terms = Set.of("token/loss_sum", "token/count", "token/correct", "pair/loss_sum", "pair/count", "pair/correct");

        Program train = graphs.trainingStep();
        assertThat(inputNames(train)).isEqualTo(union(batch, Set.of("learning_rate", "step", "dropout_seed", "loss_scale/token",
                "loss_scale/pair")));
        assertThat(train.outputs().keySet()).isEqualTo(union(terms, Set.of("loss", "gradient_norm")));
        assertThat(train.inputs()).filteredOn(t -> t.name().equals("step")).extracting(Tensor::dtype).containsExactly(DType.FLOAT32);
        assertThat(train.inputs()).filteredOn(t -> t.name().equals("dropout_seed")).extracting(Tensor::shape)
                .containsExactly(Shape.scalar());

        Program accumulate = graphs.accumulationStep();
        assertThat(inputNames(accumulate)).isEqualTo(union(batch, Set.of("dropout_seed", "loss_scale/token", "loss_scale/pair")));
        assertThat(accumulate.outputs().keySet()).isEqualTo(union(terms, Set.of("loss")));
        assertThat(variableNames(accumulate)).contains("grad_acc/embeddings/word", "embeddings/word")
                .noneMatch(n -> n.startsWith("adam_"));

        Program apply = graphs.applyStep();
        assertThat(inputNames(apply)).containsExactlyInAnyOrder("learning_rate", "step");
        assertThat(apply.outputs().keySet()).containsExactly("gradient_norm");
        assertThat(variableNames(apply)).contains("grad_acc/embeddings/word", "adam_m/embeddings/word", "embeddings/word");

        Program eval = graphs.evaluationStep();
        assertThat(inputNames(eval)).isEqualTo(batch);
        assertThat(eval.outputs().keySet()).isEqualTo(terms);
        assertThat(eval.updates()).isEmpty();
    }

    @Test
    void encoderExportsHaveTheShapesTransformersJsAndTribuoRead() {
        Map<String, Program> exports = bert(0.1).exportPrograms();
        Program model = exports.get("model");
        assertThat(inputNames(model)).containsExactlyInAnyOrder("input_ids", "attention_mask", "token_type_ids");
        assertThat(model.outputs().get("logits").shape()).isEqualTo(Shape.of("batch_size", "sequence_length", 50));
        assertThat(model.outputs().get("seq_relationship_logits").shape()).isEqualTo(Shape.of("batch_size", 2));
        Program encoder = exports.get("encoder");
        assertThat(inputNames(encoder)).containsExactlyInAnyOrder("input_ids", "attention_mask", "token_type_ids");
        assertThat(encoder.outputs().keySet()).containsExactly("output_0", "output_1");
        assertThat(encoder.outputs().get("output_0").shape()).isEqualTo(Shape.of("batch_size", "sequence_length", 16));
        assertThat(encoder.outputs().get("output_1").shape()).isEqualTo(Shape.of("batch_size", 16));
        // The pooler of the export is the pair objective's, trained.
        assertThat(variableNames(encoder)).contains("pooler/dense/weight", "pooler/dense/bias");
        assertThat(variableNames(bert(0.1).trainingStep())).contains("pooler/dense/weight");
        // Without a pair objective the feature extractor still has its pooler.
        TrainingGraphs tokenOnly = new TrainingGraphs(TinyModels.config(AttentionKind.BIDIRECTIONAL, 0.1), TinyModels.BERT_TOKENS,
                new FakeTokenObjective(AttentionKind.BIDIRECTIONAL), ADAM, 3);
        assertThat(tokenOnly.exportPrograms().get("model").outputs()).containsOnlyKeys("logits");
        assertThat(tokenOnly.exportPrograms().get("encoder").outputs()).containsOnlyKeys("output_0", "output_1");
    }

    @Test
    void decoderExportCarriesTheKeyValueCache() {
        Map<String, Program> exports = gpt(0.1).exportPrograms();
        assertThat(exports).containsOnlyKeys("model");
        Program model = exports.get("model");
        Map<String, Shape> inputs = new LinkedHashMap<>();
        model.inputs().forEach(t -> inputs.put(t.name(), t.shape()));
        Shape cache = Shape.of("batch_size", 2, "past_sequence_length", 8);
        assertThat(inputs).containsOnly(Map.entry("input_ids", Shape.of("batch_size", "sequence_length")),
                Map.entry("attention_mask", Shape.of("batch_size", "total_sequence_length")),
                Map.entry("position_ids", Shape.of("batch_size", "sequence_length")),
                Map.entry("past_key_values.0.key", cache), Map.entry("past_key_values.0.value", cache),
                Map.entry("past_key_values.1.key", cache), Map.entry("past_key_values.1.value", cache));
        assertThat(model.outputs().keySet()).containsExactly("logits", "present.0.key", "present.0.value", "present.1.key",
                "present.1.value");
        assertThat(model.outputs().get("logits").shape()).isEqualTo(Shape.of("batch_size", "sequence_length", 50));
        Shape present = model.outputs().get("present.1.value").shape();
        assertThat(present.dim(0).symbol()).isEqualTo("batch_size");
        assertThat(present.dim(1).size()).isEqualTo(2);
        assertThat(present.dim(3).size()).isEqualTo(8);
        assertThat(variableNames(model)).isSubsetOf(variableNames(gpt(0.1).evaluationStep()));
    }

    @Test
    void aConfigurationThatDoesNotFitTheObjectiveFails() {
        assertThatThrownBy(() -> new TrainingGraphs(TinyModels.config(AttentionKind.BIDIRECTIONAL, 0.1), TinyModels.BERT_TOKENS,
                new FakeTokenObjective(AttentionKind.CAUSAL), ADAM, 3))
                .isInstanceOf(GraphException.class)
                .hasMessageContaining("fake-next-token needs causal attention but the model is configured bidirectional");
        TransformerConfig oneType = new TransformerConfig(2, 16, 2, 32, 50, 16, 1, AttentionKind.BIDIRECTIONAL, 0.1, 0.1, 1e-12, 0.02);
        assertThatThrownBy(() -> new TrainingGraphs(oneType, TinyModels.BERT_TOKENS, new FakePairObjective(), ADAM, 3))
                .hasMessageContaining("sentence pairs, which need at least 2 token types, but the model has 1");
        TransformerConfig smallVocabulary = new TransformerConfig(2, 16, 2, 32, 4, 16, 2, AttentionKind.BIDIRECTIONAL, 0.1, 0.1,
                1e-12, 0.02);
        assertThatThrownBy(() -> new TrainingGraphs(smallVocabulary, TinyModels.BERT_TOKENS,
                new FakeTokenObjective(AttentionKind.BIDIRECTIONAL), ADAM, 3)).hasMessageContaining("mask=4");
    }

    @Test
    void stateForKeepsOnlyTheProgramsVariables() {
        TrainingGraphs graphs = gpt(0.0);
        try (ReferenceBackend backend = new ReferenceBackend(); Executable train = backend.compile(graphs.trainingStep())) {
            Map<String, HostTensor> state = train.readState();
            Program export = graphs.exportPrograms().get("model");
            Map<String, HostTensor> selected = TrainingGraphs.stateFor(export, state);
            assertThat(selected.keySet()).isEqualTo(variableNames(export));
            assertThat(state.keySet()).anyMatch(n -> n.startsWith("adam_v/"));
        }
    }

    // ---- helpers ----

    /** Rows [from, to) of a batch tensor (dim 0 is the batch). */
    private static HostTensor rows(HostTensor t, int from, int to) {
        long[] shape = t.shape();
        int per = (int) (HostTensor.elementCount(shape) / shape[0]);
        shape[0] = to - from;
        if (t.dtype() == DType.INT64) {
            return HostTensor.ofLongs(shape, Arrays.copyOfRange(t.longs(), from * per, to * per));
        }
        return HostTensor.ofFloats(shape, Arrays.copyOfRange(t.floats(), from * per, to * per));
    }

    private static Set<String> inputNames(Program p) {
        return p.inputs().stream().map(Tensor::name).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> variableNames(Program p) {
        return p.variables().stream().map(Tensor::name).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> u = new TreeSet<>(a);
        u.addAll(b);
        return u;
    }
}

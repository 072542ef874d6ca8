package org.pretrain4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.pretrain4j.data.Batch;
import org.pretrain4j.graph.AdamW;
import org.pretrain4j.graph.Autodiff;
import org.pretrain4j.graph.DType;
import org.pretrain4j.graph.Executable;
import org.pretrain4j.graph.Graph;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.graph.Op;
import org.pretrain4j.graph.Program;
import org.pretrain4j.graph.Shape;
import org.pretrain4j.graph.Tensor;
import org.pretrain4j.nn.Transformer;
import org.pretrain4j.nn.TransformerConfig;
import org.pretrain4j.objective.Objectives;
import org.pretrain4j.spi.AttentionKind;
import org.pretrain4j.spi.Backend;
import org.pretrain4j.spi.LossTerm;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.train.TrainingGraphs;

/**
 * The conformance kit for backends (JUnit contract-test pattern): a backend's test class
 * implements this interface and {@link #createBackend()}. It checks, against the float64
 * {@link ReferenceBackend}: forward outputs and gradients of a tiny BERT and a tiny GPT with padding
 * (relative 1e-4), identical initial state, state read/load round trips, AdamW training steps
 * (fused, and accumulate/apply), dropout masks, and one small program per {@link Op} kind, so a
 * backend that misses an op fails here. A backend that passes works in the trainer.
 */
public interface BackendContract {
    /** Relative tolerance of float32 backends against the float64 reference, per tensor (max-norm). */
    double TOLERANCE = 1e-4;
    long SEED = 20240611L;

    /** A fresh backend; the kit closes it. */
    Backend createBackend();

    // ---- whole models ----

    @Test
    default void tinyBertForwardMatchesReference() {
        TrainingGraphs graphs = graphs(AttentionKind.BIDIRECTIONAL, 0.1);
        Batch batch = bertBatch(graphs, 41);
        compare(graphs.evaluationStep(), batch.inputs());
        Map<String, Program> exports = graphs.exportPrograms();
        assertThat(exports).containsOnlyKeys("model", "encoder");
        compare(exports.get("model"), batch.inputs());
        compare(exports.get("encoder"), batch.inputs());
    }

    @Test
    default void tinyGptForwardMatchesReference() {
        TrainingGraphs graphs = graphs(AttentionKind.CAUSAL, 0.1);
        Batch batch = gptBatch(graphs, 42);
        compare(graphs.evaluationStep(), batch.inputs());
        Program decoder = graphs.exportPrograms().get("model");
        TransformerConfig config = graphs.config();
        for (int past : new int[] {0, 3}) {
            compare(decoder, decoderInputs(config, 3, 2, past, 43 + past));
        }
    }

    @Test
    default void tinyBertGradientsMatchReference() {
        TrainingGraphs graphs = graphs(AttentionKind.BIDIRECTIONAL, 0.1);
        Batch batch = bertBatch(graphs, 51);
        compare(gradientProgram(graphs, AttentionKind.BIDIRECTIONAL),
                TinyModels.merge(batch.inputs(), graphs.lossScales(batch.counts()), seedInput(7)));
    }

    @Test
    default void tinyGptGradientsMatchReference() {
        TrainingGraphs graphs = graphs(AttentionKind.CAUSAL, 0.1);
        Batch batch = gptBatch(graphs, 52);
        compare(gradientProgram(graphs, AttentionKind.CAUSAL),
                TinyModels.merge(batch.inputs(), graphs.lossScales(batch.counts()), seedInput(8)));
    }

    @Test
    default void oneExecutableRunsAnyBatchAndSequenceSize() {
        TrainingGraphs graphs = graphs(AttentionKind.BIDIRECTIONAL, 0.0);
        Program program = graphs.evaluationStep();
        try (Backend backend = createBackend(); Executable executable = backend.compile(program);
                Backend reference = new ReferenceBackend(); Executable oracle = reference.compile(program)) {
            int[][] shapes = {{8, 5, 6}, {4, 3}, {12, 12, 2, 7, 9}};
            int[] sequences = {8, 4, 12};
            for (int i = 0; i < shapes.length; i++) {
                Batch batch = TinyModels.batch(graphs.objective(), TinyModels.BERT_TOKENS, shapes[i], sequences[i], 90 + i);
                Map<String, HostTensor> inputs = inputsOf(program, batch.inputs());
                assertClose("batch " + shapes[i].length + " x " + sequences[i], executable.run(inputs), oracle.run(inputs));
            }
        }
    }

    @Test
    default void runsAreRepeatableAndOutputsReadTheStateBeforeTheUpdate() {
        TrainingGraphs graphs = graphs(AttentionKind.CAUSAL, 0.1);
        Batch batch = gptBatch(graphs, 95);
        Program eval = graphs.evaluationStep();
        Program step = graphs.trainingStep();
        try (Backend backend = createBackend(); Executable evaluation = backend.compile(eval);
                Executable training = backend.compile(step)) {
            Map<String, HostTensor> evalInputs = inputsOf(eval, batch.inputs());
            Map<String, HostTensor> first = evaluation.run(evalInputs);
            Map<String, HostTensor> second = evaluation.run(evalInputs);
            for (String name : first.keySet()) {
                assertThat(second.get(name).floats()).as("second run of " + name).isEqualTo(first.get(name).floats());
            }
            Map<String, HostTensor> stepInputs = inputsOf(step, TinyModels.merge(batch.inputs(), graphs.lossScales(batch.counts()),
                    seedInput(3), stepInputs(1e-2, 1)));
            Map<String, HostTensor> before = training.readState();
            Map<String, HostTensor> out = training.run(stepInputs);
            // Back to the state before the step, the same inputs give the same loss: outputs read the
            // state before the update and nothing else carries over between runs (exact resume needs this).
            training.loadState(before);
            Map<String, HostTensor> again = training.run(stepInputs);
            assertThat(again.get(TrainingGraphs.LOSS).floatValue()).isEqualTo(out.get(TrainingGraphs.LOSS).floatValue());
            String word = "embeddings/word";
            assertThat(training.readState().get(word).floats()).as("parameters move").isNotEqualTo(before.get(word).floats());
        }
    }

    // ---- state ----

    @Test
    default void initialStateEqualsReferenceAndRoundTrips() {
        TrainingGraphs graphs = graphs(AttentionKind.BIDIRECTIONAL, 0.0);
        Program program = graphs.evaluationStep();
        Batch batch = bertBatch(graphs, 61);
        try (Backend backend = createBackend(); Executable executable = backend.compile(program);
                Backend reference = new ReferenceBackend(); Executable oracle = reference.compile(program)) {
            Map<String, HostTensor> initial = executable.readState();
            Set<String> names = program.variables().stream().map(Tensor::name).collect(Collectors.toSet());
            assertThat(initial.keySet()).as("state names").isEqualTo(names);
            Map<String, HostTensor> expected = oracle.readState();
            for (Map.Entry<String, HostTensor> e : initial.entrySet()) {
                assertThat(e.getValue().shape()).as(e.getKey()).isEqualTo(expected.get(e.getKey()).shape());
                assertThat(e.getValue().floats()).as("initial " + e.getKey()).isEqualTo(expected.get(e.getKey()).floats());
            }
            Map<String, HostTensor> changed = new LinkedHashMap<>();
            for (Map.Entry<String, HostTensor> e : initial.entrySet()) {
                float[] v = e.getValue().floats().clone();
                for (int i = 0; i < v.length; i++) {
                    v[i] = v[i] * 1.5f + 0.01f * (i % 7);
                }
                changed.put(e.getKey(), HostTensor.ofFloats(e.getValue().shape(), v));
            }
            executable.loadState(changed);
            oracle.loadState(changed);
            Map<String, HostTensor> reread = executable.readState();
            for (Map.Entry<String, HostTensor> e : changed.entrySet()) {
                assertThat(reread.get(e.getKey()).floats()).as("reloaded " + e.getKey()).isEqualTo(e.getValue().floats());
            }
            Map<String, HostTensor> inputs = inputsOf(program, batch.inputs());
            assertClose("after loadState", executable.run(inputs), oracle.run(inputs));
            String first = changed.keySet().iterator().next();
            assertThatThrownBy(() -> executable.loadState(Map.of("no/such/variable", changed.get(first))))
                    .hasMessageContaining("no/such/variable");
            assertThatThrownBy(() -> executable.loadState(Map.of(first, HostTensor.ofFloats(new long[] {1}, new float[1]))))
                    .hasMessageContaining(first);
        }
    }

    // ---- training ----

    @Test
    default void adamWStepsMatchReference() {
        TrainingGraphs graphs = graphs(AttentionKind.BIDIRECTIONAL, 0.1);
        Program step = graphs.trainingStep();
        try (Backend backend = createBackend(); Executable executable = backend.compile(step);
                Backend reference = new ReferenceBackend(); Executable oracle = reference.compile(step)) {
            for (int s = 1; s <= 3; s++) {
                Batch batch = bertBatch(graphs, 70 + s);
                Map<String, HostTensor> inputs = inputsOf(step, TinyModels.merge(batch.inputs(),
                        graphs.lossScales(batch.counts()), seedInput(100 + s), stepInputs(1e-2, s)));
                assertClose("step " + s, executable.run(inputs), oracle.run(inputs));
            }
            assertClose("state after 3 steps", executable.readState(), oracle.readState());
        }
    }

    @Test
    default void accumulateAndApplyMatchReference() {
        TrainingGraphs graphs = graphs(AttentionKind.CAUSAL, 0.1);
        Program accumulate = graphs.accumulationStep();
        Program apply = graphs.applyStep();
        try (Backend backend = createBackend(); Executable acc = backend.compile(accumulate);
                Executable app = backend.compile(apply); Backend reference = new ReferenceBackend();
                Executable refAcc = reference.compile(accumulate); Executable refApp = reference.compile(apply)) {
            Batch first = gptBatch(graphs, 81);
            Batch second = gptBatch(graphs, 82);
            Map<String, Long> counts = new LinkedHashMap<>();
            for (String term : graphs.terms()) {
                counts.put(term, first.counts().get(term) + second.counts().get(term));
            }
            int seed = 5;
            for (Batch micro : List.of(first, second)) {
                Map<String, HostTensor> inputs = inputsOf(accumulate,
                        TinyModels.merge(micro.inputs(), graphs.lossScales(counts), seedInput(seed++)));
                assertClose("accumulate", acc.run(inputs), refAcc.run(inputs));
            }
            app.loadState(TrainingGraphs.stateFor(apply, acc.readState()));
            refApp.loadState(TrainingGraphs.stateFor(apply, refAcc.readState()));
            Map<String, HostTensor> inputs = inputsOf(apply, stepInputs(1e-2, 1));
            assertClose("apply", app.run(inputs), refApp.run(inputs));
            Map<String, HostTensor> state = app.readState();
            assertClose("state after apply", state, refApp.readState());
            for (Map.Entry<String, HostTensor> e : state.entrySet()) {
                if (e.getKey().startsWith(TrainingGraphs.GRADIENT_ACCUMULATOR_PREFIX)) {
                    float[] v = e.getValue().floats();
                    assertThat(v).as(e.getKey() + " is zero after apply").containsOnly(0f);
                }
            }
        }
    }

    @Test
    default void dropoutMasksEqualReference() {
        Graph g = new Graph();
        Tensor x = g.input("x", DType.FLOAT32, Shape.of("batch_size", 1000));
        Tensor seed = g.input("dropout_seed", DType.INT64, Shape.scalar());
        Program program = new Program("dropout", g, Map.of("y", g.dropout(x, seed, 0.3, 77)), List.of(), SEED);
        float[] ones = new float[4000];
        Arrays.fill(ones, 1f);
        HostTensor x4 = HostTensor.ofFloats(new long[] {4, 1000}, ones);
        try (Backend backend = createBackend(); Executable executable = backend.compile(program);
                Backend reference = new ReferenceBackend(); Executable oracle = reference.compile(program)) {
            float[] previous = null;
            for (long s : new long[] {1, 2, 2147483646L}) {
                Map<String, HostTensor> inputs = Map.of("x", x4, "dropout_seed", HostTensor.scalar(s));
                float[] actual = executable.run(inputs).get("y").floats();
                float[] expected = oracle.run(inputs).get("y").floats();
                int kept = 0;
                for (int i = 0; i < actual.length; i++) {
                    assertThat(actual[i] == 0).as("mask at %d for seed %d", i, s).isEqualTo(expected[i] == 0);
                    kept += actual[i] != 0 ? 1 : 0;
                }
                // Binomial(4000, 0.7): standard deviation 29; allow 5.
                assertThat(kept).as("kept elements for seed " + s).isBetween(2800 - 145, 2800 + 145);
                assertClose("dropout seed " + s, Map.of("y", HostTensor.ofFloats(new long[] {4, 1000}, actual)),
                        Map.of("y", HostTensor.ofFloats(new long[] {4, 1000}, expected)));
                assertThat(actual).as("a new seed draws a new mask").isNotEqualTo(previous);
                previous = actual;
            }
        }
    }

    // ---- every op ----

    @Test
    default void opCasesCoverEveryOpKind() {
        Set<String> covered = new HashSet<>();
        for (OpCases.Case c : OpCases.all()) {
            for (Tensor t : c.program().nodes()) {
                covered.add(t.op().getClass().getSimpleName());
            }
        }
        Set<String> kinds = Arrays.stream(Op.class.getPermittedSubclasses()).map(Class::getSimpleName)
                .collect(Collectors.toSet());
        assertThat(covered).as("op kinds exercised by the kit").containsAll(kinds);
    }

    @TestFactory
    default Stream<DynamicTest> everyOpMatchesReference() {
        return OpCases.all().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> compare(c.program(), c.inputs())));
    }

    // ---- helpers ----

    private TrainingGraphs graphs(AttentionKind attention, double dropout) {
        Objective objective = attention == AttentionKind.CAUSAL
                ? new FakeTokenObjective(attention)
                : Objectives.compose(List.of(new FakeTokenObjective(attention), new FakePairObjective()), Map.of("fake-pair", 0.5));
        // Adam epsilon 1e-4, not BERT's 1e-6: were a gradient zero in exact arithmetic (as the key
        // bias's was before the model dropped it), Adam would scale float32 round-off of about 1e-9
        // up to g / (|g| + epsilon), a difference from the float64 oracle that says nothing about
        // the backend.
        return new TrainingGraphs(TinyModels.config(attention, dropout), TinyModels.tokens(attention), objective,
                new AdamW.Config(0.9, 0.999, 1e-4, 0.01, 1.0), SEED);
    }

    private static Batch bertBatch(TrainingGraphs graphs, long seed) {
        return TinyModels.batch(graphs.objective(), TinyModels.BERT_TOKENS, new int[] {8, 5, 6}, TinyModels.SEQUENCE, seed);
    }

    private static Batch gptBatch(TrainingGraphs graphs, long seed) {
        return TinyModels.batch(graphs.objective(), TinyModels.GPT_TOKENS, new int[] {8, 4, 6}, TinyModels.SEQUENCE, seed);
    }

    /** The loss and the gradient of every trainable parameter, with dropout on. */
    private static Program gradientProgram(TrainingGraphs graphs, AttentionKind attention) {
        Graph g = new Graph();
        Transformer model = Transformer.build(g, graphs.config(), TinyModels.tokens(attention), true);
        Tensor loss = null;
        for (LossTerm term : graphs.objective().buildLoss(model)) {
            Tensor part = g.mul(term.lossSum(), g.input(TrainingGraphs.lossScaleName(term.name()), DType.FLOAT32, Shape.scalar()));
            loss = loss == null ? part : g.add(loss, part);
        }
        List<Tensor> parameters = new ArrayList<>();
        for (Tensor t : g.nodes()) {
            if (t.op() instanceof Op.Variable v && v.trainable()) {
                parameters.add(t);
            }
        }
        List<Tensor> gradients = Autodiff.gradients(loss, parameters);
        Map<String, Tensor> outputs = new LinkedHashMap<>();
        outputs.put("loss", loss);
        for (int i = 0; i < parameters.size(); i++) {
            outputs.put("gradient/" + parameters.get(i).name(), gradients.get(i));
        }
        return new Program("gradients", g, outputs, List.of(), SEED);
    }

    /** Random inputs of the cached decoder: {@code tokens} new tokens after {@code past} cached ones, row 1 left-padded by 1. */
    private static Map<String, HostTensor> decoderInputs(TransformerConfig config, int batch, int tokens, int past, long seed) {
        java.util.Random random = new java.util.Random(seed);
        int total = past + tokens;
        long[] ids = new long[batch * tokens];
        long[] positions = new long[batch * tokens];
        long[] mask = new long[batch * total];
        for (int b = 0; b < batch; b++) {
            int padding = b == 1 ? 1 : 0;
            for (int j = 0; j < total; j++) {
                mask[b * total + j] = j < padding ? 0 : 1;
            }
            for (int i = 0; i < tokens; i++) {
                ids[b * tokens + i] = 5 + random.nextInt(TinyModels.VOCABULARY - 5);
                positions[b * tokens + i] = Math.max(0, past + i - padding);
            }
        }
        Map<String, HostTensor> inputs = new LinkedHashMap<>();
        inputs.put(Transformer.INPUT_IDS, HostTensor.ofLongs(new long[] {batch, tokens}, ids));
        inputs.put(Transformer.ATTENTION_MASK, HostTensor.ofLongs(new long[] {batch, total}, mask));
        inputs.put(Transformer.POSITION_IDS, HostTensor.ofLongs(new long[] {batch, tokens}, positions));
        long[] cacheShape = {batch, config.heads(), past, config.headSize()};
        for (int layer = 0; layer < config.layers(); layer++) {
            for (boolean key : new boolean[] {true, false}) {
                float[] values = new float[batch * config.heads() * past * config.headSize()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) random.nextGaussian();
                }
                inputs.put(Transformer.pastName(layer, key), HostTensor.ofFloats(cacheShape, values));
            }
        }
        return inputs;
    }

    private static Map<String, HostTensor> seedInput(long seed) {
        return Map.of(Transformer.DROPOUT_SEED, HostTensor.scalar(seed));
    }

    private static Map<String, HostTensor> stepInputs(double learningRate, int step) {
        return Map.of(TrainingGraphs.LEARNING_RATE, HostTensor.scalar((float) learningRate),
                TrainingGraphs.STEP, HostTensor.scalar((float) step));
    }

    /** The entries of {@code available} that are inputs of the program; fails if one is missing. */
    static Map<String, HostTensor> inputsOf(Program program, Map<String, HostTensor> available) {
        Map<String, HostTensor> inputs = new LinkedHashMap<>();
        for (Tensor in : program.inputs()) {
            HostTensor value = available.get(in.name());
            assertThat(value).as("input '%s' of program %s", in.name(), program.name()).isNotNull();
            inputs.put(in.name(), value);
        }
        return inputs;
    }

    /** Runs the program once on this backend and on the reference, and compares every output. */
    private void compare(Program program, Map<String, HostTensor> available) {
        Map<String, HostTensor> inputs = inputsOf(program, available);
        try (Backend backend = createBackend(); Executable executable = backend.compile(program);
                Backend reference = new ReferenceBackend(); Executable oracle = reference.compile(program)) {
            Map<String, HostTensor> actual = executable.run(inputs);
            Map<String, HostTensor> expected = oracle.run(inputs);
            assertThat(actual.keySet()).as("outputs of " + program.name()).isEqualTo(expected.keySet());
            assertClose(program.name(), actual, expected);
        }
    }

    /** Every tensor equal in shape; INT64 exactly, FLOAT32 within {@link #TOLERANCE} of the largest expected magnitude. */
    static void assertClose(String what, Map<String, HostTensor> actual, Map<String, HostTensor> expected) {
        assertThat(actual.keySet()).as(what).containsAll(expected.keySet());
        for (Map.Entry<String, HostTensor> e : expected.entrySet()) {
            HostTensor a = actual.get(e.getKey());
            HostTensor x = e.getValue();
            String label = what + ": " + e.getKey();
            assertThat(a.dtype()).as(label).isEqualTo(x.dtype());
            assertThat(a.shape()).as(label + " shape").isEqualTo(x.shape());
            if (x.dtype() == DType.INT64) {
                assertThat(a.longs()).as(label).isEqualTo(x.longs());
                continue;
            }
            float[] av = a.floats();
            float[] xv = x.floats();
            double scale = 0;
            for (float v : xv) {
                scale = Math.max(scale, Math.abs(v));
            }
            double worst = 0;
            int at = -1;
            for (int i = 0; i < xv.length; i++) {
                assertThat(Float.isFinite(av[i])).as("%s[%d] = %s is finite", label, i, av[i]).isEqualTo(Float.isFinite(xv[i]));
                double d = Math.abs((double) av[i] - xv[i]);
                if (d > worst) {
                    worst = d;
                    at = i;
                }
            }
            double tolerance = TOLERANCE * Math.max(scale, 1e-6);
            assertThat(worst).as("%s: largest difference at %d (%s vs reference %s), scale %s", label, at,
                    at >= 0 ? av[at] : 0, at >= 0 ? xv[at] : 0, scale).isLessThanOrEqualTo(tolerance);
        }
    }
}

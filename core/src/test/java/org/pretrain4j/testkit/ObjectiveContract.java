package org.pretrain4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.pretrain4j.data.Batch;
import org.pretrain4j.data.Batcher;
import org.pretrain4j.data.BatchBuilder;
import org.pretrain4j.data.Example;
import org.pretrain4j.data.ExampleFeatures;
import org.pretrain4j.data.ExampleLayout;
import org.pretrain4j.data.RandomSource;
import org.pretrain4j.graph.AdamW;
import org.pretrain4j.graph.Autodiff;
import org.pretrain4j.graph.Dim;
import org.pretrain4j.graph.Executable;
import org.pretrain4j.graph.Graph;
import org.pretrain4j.graph.Op;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.graph.Program;
import org.pretrain4j.graph.Tensor;
import org.pretrain4j.nn.Transformer;
import org.pretrain4j.nn.TransformerConfig;
import org.pretrain4j.spi.AttentionKind;
import org.pretrain4j.spi.LossTerm;
import org.pretrain4j.spi.ModelContext;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.spi.ObjectiveFactory;
import org.pretrain4j.spi.PluginException;
import org.pretrain4j.spi.PluginLookup;
import org.pretrain4j.spi.PropertySpec;
import org.pretrain4j.text.Tokenizer;
import org.pretrain4j.train.TrainingGraphs;

/**
 * The conformance kit for objectives: implement it in the objective's test class. An objective that
 * passes works in the app: it is configured strictly, prepares examples reproducibly without touching
 * what it does not own, collates exactly the batch inputs its loss graph declares, and its loss and
 * inference heads build on the model, share their variables and name their metrics by term.
 */
public interface ObjectiveContract {
    /** The factory under test. */
    ObjectiveFactory factory();

    /** The name the created objective reports: the factory's, or the parts' joined with '+' for a composition. */
    default String objectiveName() {
        return factory().name();
    }

    /** The properties the kit creates the objective with (defaults: none). */
    default Map<String, String> properties() {
        return Map.of();
    }

    /** The other plugins the objective may ask for (defaults: every masking strategy on the class path). */
    default PluginLookup plugins() {
        return new ServiceLoaderPlugins();
    }

    /** The tokenizer examples are made with (defaults: the fake WordPiece one). */
    default Tokenizer tokenizer() {
        return FakeTokenizer.wordPiece();
    }

    /** The padded sequence length of the kit's batches. */
    default int sequenceLength() {
        return 40;
    }

    /** Examples in the objective's layout (packed blocks when it has none), some shorter than the sequence length. */
    default List<Example> examples(Objective objective) {
        List<List<String>> docs = FakeCorpus.documents(12, 17);
        ExampleLayout layout = objective.layout().orElse(ExampleLayout.PACKED_BLOCKS);
        if (layout.pairs()) {
            return FakeExamples.pairs(tokenizer(), docs, sequenceLength() - 4, 17, 8);
        }
        List<Example> blocks = FakeExamples.packed(tokenizer(), docs, sequenceLength());
        return blocks.subList(Math.max(0, blocks.size() - 6), blocks.size());
    }

    /** A tiny model configuration for the tokenizer's vocabulary and the objective's attention, with dropout on. */
    default TransformerConfig modelConfig(Objective objective) {
        return new TransformerConfig(1, 8, 2, 16, tokenizer().vocabularySize(), 64,
                objective.attention() == AttentionKind.CAUSAL ? 1 : 2, objective.attention(), 0.1, 0.1, 1e-5, 0.02);
    }

    /** The model the heads are built on: the real {@link Transformer}, on a new graph. */
    default ModelContext model(Objective objective, boolean training) {
        return Transformer.build(new Graph(), modelConfig(objective), tokenizer().specialTokens(), training);
    }

    /** The batch inputs an objective declared: every graph input but the model's own. */
    private static List<String> declaredInputs(ModelContext model) {
        List<String> out = new ArrayList<>();
        for (Tensor t : model.graph().nodes()) {
            if (t.op() instanceof Op.Input && !FakeBatches.MODEL_INPUTS.contains(t.name())
                    && !Transformer.DROPOUT_SEED.equals(t.name())) {
                out.add(t.name());
            }
        }
        return out;
    }

    private Objective objective() {
        return factory().create(properties(), plugins());
    }

    private List<ExampleFeatures> prepared(Objective objective, long seed) {
        List<ExampleFeatures> out = new ArrayList<>();
        for (Example e : examples(objective)) {
            ExampleFeatures f = new ExampleFeatures(e);
            objective.prepare(f, tokenizer(), RandomSource.of(seed, 1, e.index()));
            out.add(f);
        }
        return out;
    }

    /** Collates as the app's data pipeline does, with the real {@link Batcher}. */
    private Batch collate(Objective objective, List<ExampleFeatures> features) {
        return new Batcher(objective, tokenizer(), sequenceLength()).collate(features);
    }

    @Test
    default void factoryDescribesItself() {
        ObjectiveFactory f = factory();
        assertThat(f.name()).matches("[a-z][a-z0-9-]*");
        assertThat(f.description()).isNotBlank();
        assertThat(f.properties().stream().map(PropertySpec::key).toList()).doesNotHaveDuplicates();
        Objective o = objective();
        assertThat(o.name()).isEqualTo(objectiveName());
        assertThat(o.attention()).isNotNull();
        assertThat(o.layout()).isNotNull();
    }

    /** Logs and errors print objectives: the name first, then any settings, never a record's class name. */
    @Test
    default void toStringStartsWithTheNameAndNamesNoClass() {
        String text = objective().toString();
        assertThat(text).startsWith(objectiveName());
        assertThat(text).doesNotContain("Config[").doesNotContain("@");
    }

    @Test
    default void acceptsEveryListedPropertyAtItsDefault() {
        for (PropertySpec p : factory().properties()) {
            if (p.defaultValue() != null) {
                Map<String, String> props = new HashMap<>(properties());
                props.put(p.key(), p.defaultValue());
                assertThat(factory().create(props, plugins())).as(p.key()).isNotNull();
            }
        }
    }

    @Test
    default void rejectsAnUnknownPropertyByName() {
        Map<String, String> props = new HashMap<>(properties());
        props.put("no-such-property", "1");
        assertThatThrownBy(() -> factory().create(props, plugins()))
                .isInstanceOf(PluginException.class)
                .hasMessageContaining("no-such-property");
    }

    @Test
    default void prepareIsReproducibleFromTheRandomKey() {
        Objective o = objective();
        List<ExampleFeatures> a = prepared(o, 11);
        List<ExampleFeatures> b = prepared(objective(), 11);
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.get(i).inputIds()).isEqualTo(a.get(i).inputIds());
        }
        assertBatchesEqual(collate(o, a), collate(o, b));
    }

    @Test
    default void prepareIsSafeOnManyDataThreads() throws Exception {
        Objective o = objective();
        List<Example> examples = examples(o);
        List<ExampleFeatures> sequential = prepared(o, 13);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<ExampleFeatures>> futures = new ArrayList<>();
            for (int round = 0; round < 4; round++) {
                for (Example e : examples) {
                    futures.add(pool.submit(() -> {
                        ExampleFeatures f = new ExampleFeatures(e);
                        o.prepare(f, tokenizer(), RandomSource.of(13, 1, e.index()));
                        return f;
                    }));
                }
            }
            for (int i = 0; i < futures.size(); i++) {
                ExampleFeatures f = futures.get(i).get();
                assertThat(f.inputIds()).isEqualTo(sequential.get(i % examples.size()).inputIds());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    default void prepareLeavesTheExampleAndOtherObjectivesFeaturesAlone() {
        Objective o = objective();
        for (Example e : examples(o)) {
            Example copy = new Example(e.index(), e.tokens().clone(), e.segments().clone(), e.special().clone(),
                    e.wordStarts().clone(), e.pairLabel());
            ExampleFeatures f = new ExampleFeatures(e);
            int[] sentinel = {7, 8, 9};
            f.putArray("contract_sentinel", sentinel);
            f.putScalar("contract_sentinel", 42);
            o.prepare(f, tokenizer(), RandomSource.of(4, 0, e.index()));
            assertThat(e).as("the example's arrays").isEqualTo(copy);
            assertThat(f.array("contract_sentinel")).isSameAs(sentinel).containsExactly(7, 8, 9);
            assertThat(f.scalar("contract_sentinel")).isEqualTo(42);
            assertThat(f.inputIds()).as("input ids keep the example's length").hasSize(e.length());
            assertThat(f.example().index()).isEqualTo(e.index());
        }
    }

    @Test
    default void collateWritesExactlyTheInputsTheLossDeclares() {
        Objective o = objective();
        ModelContext model = model(o, true);
        List<LossTerm> terms = o.buildLoss(model);
        assertThat(terms).isNotEmpty();
        List<ExampleFeatures> features = prepared(o, 5);
        Batch batch = collate(o, features);

        Set<String> written = new LinkedHashSet<>(batch.inputs().keySet());
        written.removeAll(FakeBatches.MODEL_INPUTS);
        assertThat(written).as("inputs collate writes").containsExactlyInAnyOrderElementsOf(declaredInputs(model));

        Map<String, Long> symbols = new HashMap<>();
        symbols.put("batch_size", (long) features.size());
        symbols.put("sequence_length", (long) sequenceLength());
        for (String name : declaredInputs(model)) {
            Tensor declared = model.graph().named(name);
            HostTensor actual = batch.inputs().get(name);
            assertThat(actual.dtype()).as("dtype of %s", name).isEqualTo(declared.dtype());
            assertThat(actual.rank()).as("rank of %s", name).isEqualTo(declared.rank());
            for (int axis = 0; axis < declared.rank(); axis++) {
                Dim d = declared.shape().dim(axis);
                long size = actual.dim(axis);
                if (d.isFixed()) {
                    assertThat(size).as("%s axis %d", name, axis).isEqualTo(d.size());
                } else {
                    Long before = symbols.putIfAbsent(d.symbol(), size);
                    if (before != null) {
                        assertThat(size).as("%s axis %d is '%s'", name, axis, d.symbol()).isEqualTo(before);
                    }
                }
            }
        }
        assertThat(batch.counts().keySet()).as("batch counts")
                .containsExactlyInAnyOrderElementsOf(terms.stream().map(LossTerm::name).toList());
        for (long c : batch.counts().values()) {
            assertThat(c).isNotNegative();
        }
    }

    @Test
    default void inferenceDeclaresItsOutputsAndReadsOnlyTheModelInputs() {
        Objective o = objective();
        ModelContext model = model(o, false);
        Map<String, Tensor> outputs = o.buildInference(model);
        assertThat(outputs).isNotEmpty();
        for (Map.Entry<String, Tensor> e : outputs.entrySet()) {
            assertThat(e.getKey()).matches("[a-z][a-z0-9_]*");
            assertThat(e.getValue().rank()).as(e.getKey()).isPositive();
            assertThat(e.getValue().shape().dim(0).symbol()).as("dim 0 of %s", e.getKey()).isEqualTo("batch_size");
        }
        assertThat(declaredInputs(model)).as("inputs an exported model would need").isEmpty();
        o.exportMetadata().forEach((k, v) -> {
            assertThat(k).as("export metadata key").matches("[a-z][a-z0-9_]*");
            assertThat(v).as("export metadata %s", k).isNotBlank();
        });
        Program program = new Program("inference", model.graph(), outputs, List.of(), 1);
        assertThat(program.inputs().stream().map(Tensor::name).toList()).isSubsetOf(FakeBatches.MODEL_INPUTS);
    }

    @Test
    default void inferenceUsesTheVariablesTrainingLearns() {
        Objective o = objective();
        ModelContext train = model(o, true);
        Map<String, Tensor> trainOutputs = new LinkedHashMap<>();
        for (LossTerm t : o.buildLoss(train)) {
            trainOutputs.put(t.name() + "/loss_sum", t.lossSum());
            trainOutputs.put(t.name() + "/count", t.count());
            t.metricSums().forEach((k, v) -> trainOutputs.put(t.name() + "/" + k, v));
        }
        Map<String, String> trained = new HashMap<>();
        for (Tensor v : new Program("train", train.graph(), trainOutputs, List.of(), 1).variables()) {
            trained.put(v.name(), v.shape().toString());
        }
        ModelContext infer = model(o, false);
        for (Tensor v : new Program("inference", infer.graph(), o.buildInference(infer), List.of(), 1).variables()) {
            assertThat(trained).as("variable %s of the inference heads", v.name()).containsEntry(v.name(), v.shape().toString());
        }
    }

    @Test
    default void metricsAreNamedByTermAndComputedFromTheSums() {
        Objective o = objective();
        ModelContext model = model(o, true);
        for (LossTerm t : o.buildLoss(model)) {
            Map<String, Double> sums = new HashMap<>();
            sums.put("loss_sum", 6.0);
            sums.put("count", 4.0);
            for (String k : t.metricSums().keySet()) {
                sums.put(k, 3.0);
            }
            Map<String, Double> metrics = o.metrics(t.name(), sums);
            assertThat(metrics).containsEntry(t.name() + "_loss", 1.5);
            for (Map.Entry<String, Double> m : metrics.entrySet()) {
                assertThat(m.getKey()).startsWith(t.name() + "_");
                assertThat(m.getValue()).as(m.getKey()).isFinite();
            }
        }
    }

    @Test
    default void causalObjectivesDoNotAskForSentencePairs() {
        Objective o = objective();
        if (o.attention() == AttentionKind.CAUSAL) {
            assertThat(o.layout().map(ExampleLayout::pairs)).isNotEqualTo(java.util.Optional.of(true));
        }
    }

    @Test
    default void lossRunsOnTheReferenceBackendWithTheBatchCounts() {
        Objective o = objective();
        ModelContext model = model(o, true);
        List<LossTerm> terms = o.buildLoss(model);
        Batch batch = collate(o, prepared(o, 21));
        Map<String, HostTensor> out = run(lossProgram(model, terms), batch);
        for (LossTerm t : terms) {
            double loss = out.get(t.name() + "/loss_sum").floatValue();
            double count = out.get(t.name() + "/count").floatValue();
            assertThat(loss).as("%s loss sum", t.name()).isFinite().isNotNegative();
            assertThat(count).as("%s count", t.name()).isEqualTo((double) batch.counts().get(t.name()));
            Map<String, Double> sums = new HashMap<>();
            sums.put("loss_sum", loss);
            sums.put("count", count);
            for (String k : t.metricSums().keySet()) {
                double v = out.get(t.name() + "/" + k).floatValue();
                assertThat(v).as("%s metric sum %s", t.name(), k).isFinite();
                sums.put(k, v);
            }
            if (count > 0) {
                assertThat(o.metrics(t.name(), sums)).as("metrics of %s", t.name()).containsKey(t.name() + "_loss")
                        .allSatisfy((k, v) -> assertThat(v).as(k).isFinite());
            }
        }
    }

    @Test
    default void gradientsReachEveryVariableTheObjectiveAdds() {
        Objective o = objective();
        ModelContext model = model(o, true);
        Set<String> modelVariables = new HashSet<>();
        for (Tensor t : model.graph().nodes()) {
            if (t.op() instanceof Op.Variable) {
                modelVariables.add(t.name());
            }
        }
        List<LossTerm> terms = o.buildLoss(model);
        Graph g = model.graph();
        Tensor total = null;
        for (LossTerm t : terms) {
            Tensor mean = g.div(t.lossSum(), g.max(t.count(), g.scalar(1)));
            total = total == null ? mean : g.add(total, mean);
        }
        Map<String, Tensor> outputs = new LinkedHashMap<>();
        List<Tensor> own = new ArrayList<>();
        for (Tensor v : new Program("loss", g, Map.of("total", total), List.of(), 1).variables()) {
            if (!modelVariables.contains(v.name())) {
                own.add(v);
            }
        }
        if (own.isEmpty()) {
            // A head without variables of its own (GPT-2's tied decoder without a bias) still has to send its
            // gradient into the model: through the token embedding it is tied to, or the hidden states.
            own.add(model.tokenEmbedding());
        }
        List<Tensor> grads = Autodiff.gradients(total, own);
        for (int i = 0; i < own.size(); i++) {
            outputs.put(own.get(i).name(), grads.get(i));
        }
        Map<String, HostTensor> out = run(new Program("gradients", g, outputs, List.of(), 3), collate(o, prepared(o, 22)));
        for (Tensor v : own) {
            float[] grad = out.get(v.name()).floats();
            double norm = 0;
            for (float x : grad) {
                assertThat(x).as("gradient of %s", v.name()).isFinite();
                norm += x * x;
            }
            assertThat(norm).as("gradient norm of %s", v.name()).isPositive();
        }
    }

    @Test
    default void inferenceRunsOnTheReferenceBackendWithTheShapesItDeclares() {
        Objective o = objective();
        ModelContext model = model(o, false);
        Map<String, Tensor> outputs = o.buildInference(model);
        List<ExampleFeatures> features = new ArrayList<>();
        for (Example e : examples(o)) {
            features.add(new ExampleFeatures(e));
        }
        BatchBuilder b = new BatchBuilder();
        FakeBatches.putModelInputs(features, sequenceLength(), tokenizer().specialTokens().pad(), b);
        Map<String, HostTensor> out = run(new Program("inference", model.graph(), outputs, List.of(), 1), b.build(features.size(), 0));
        for (Map.Entry<String, Tensor> e : outputs.entrySet()) {
            HostTensor actual = out.get(e.getKey());
            assertThat(actual.rank()).as(e.getKey()).isEqualTo(e.getValue().rank());
            for (int axis = 0; axis < actual.rank(); axis++) {
                Dim d = e.getValue().shape().dim(axis);
                long expected = d.isFixed() ? d.size()
                        : d.symbol().equals("batch_size") ? features.size()
                        : d.symbol().equals("sequence_length") ? sequenceLength() : actual.dim(axis);
                assertThat(actual.dim(axis)).as("%s axis %d (%s)", e.getKey(), axis, d).isEqualTo(expected);
            }
            for (float x : actual.floats()) {
                assertThat(x).as(e.getKey()).isFinite();
            }
        }
    }

    @Test
    default void trainingOnOneBatchHalvesEveryTermsLoss() {
        Objective o = objective();
        TransformerConfig c = modelConfig(o).withDropout(0, 0);
        TrainingGraphs graphs = new TrainingGraphs(c, tokenizer().specialTokens(), o, AdamW.Config.bert(), 5);
        Program program = graphs.trainingStep();
        Batch batch = collate(o, prepared(o, 23));
        Map<String, HostTensor> feeds = new HashMap<>();
        for (Tensor in : program.inputs()) {
            if (batch.inputs().containsKey(in.name())) {
                feeds.put(in.name(), batch.inputs().get(in.name()));
            }
        }
        feeds.putAll(graphs.lossScales(batch.counts()));
        feeds.put(TrainingGraphs.LEARNING_RATE, HostTensor.scalar(0.01f));
        Map<String, Double> first = new HashMap<>();
        Map<String, Double> last = new HashMap<>();
        try (ReferenceBackend backend = new ReferenceBackend(); Executable step = backend.compile(program)) {
            for (int s = 1; s <= 40; s++) {
                feeds.put(TrainingGraphs.STEP, HostTensor.scalar((float) s));
                Map<String, HostTensor> out = step.run(feeds);
                for (String term : graphs.terms()) {
                    double count = out.get(term + "/count").floatValue();
                    double mean = count == 0 ? 0 : out.get(term + "/loss_sum").floatValue() / count;
                    first.putIfAbsent(term, mean);
                    last.put(term, mean);
                }
            }
        }
        for (String term : graphs.terms()) {
            assertThat(last.get(term)).as("mean loss of %s after 40 AdamW steps on one batch (first %s)", term, first.get(term))
                    .isLessThan(first.get(term) / 2);
        }
    }

    private static Program lossProgram(ModelContext model, List<LossTerm> terms) {
        Map<String, Tensor> outputs = new LinkedHashMap<>();
        for (LossTerm t : terms) {
            outputs.put(t.name() + "/loss_sum", t.lossSum());
            outputs.put(t.name() + "/count", t.count());
            t.metricSums().forEach((k, v) -> outputs.put(t.name() + "/" + k, v));
        }
        return new Program("loss", model.graph(), outputs, List.of(), 1);
    }

    /** Runs a program on the reference backend with the inputs it reads from the batch. */
    private static Map<String, HostTensor> run(Program program, Batch batch) {
        Map<String, HostTensor> feeds = new HashMap<>();
        feeds.put(Transformer.DROPOUT_SEED, HostTensor.scalar(12345L));
        for (Tensor in : program.inputs()) {
            if (in.name().equals(Transformer.DROPOUT_SEED)) {
                continue;
            }
            assertThat(batch.inputs()).as("batch inputs").containsKey(in.name());
            feeds.put(in.name(), batch.inputs().get(in.name()));
        }
        feeds.keySet().retainAll(program.inputs().stream().map(Tensor::name).toList());
        try (ReferenceBackend backend = new ReferenceBackend(); Executable exe = backend.compile(program)) {
            return exe.run(feeds);
        }
    }

    private static void assertBatchesEqual(Batch a, Batch b) {
        assertThat(b.inputs().keySet()).isEqualTo(a.inputs().keySet());
        for (String k : a.inputs().keySet()) {
            HostTensor x = a.inputs().get(k);
            HostTensor y = b.inputs().get(k);
            assertThat(y.dtype()).isEqualTo(x.dtype());
            assertThat(y.shape()).as(k).isEqualTo(x.shape());
            if (x.dtype() == org.pretrain4j.graph.DType.INT64) {
                assertThat(y.longs()).as(k).isEqualTo(x.longs());
            } else {
                assertThat(Arrays.equals(y.floats(), x.floats())).as(k).isTrue();
            }
        }
        assertThat(b.counts()).isEqualTo(a.counts());
    }
}

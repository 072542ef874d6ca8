package org.pretrain4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pretrain4j.graph.AdamW;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.objective.Objectives;
import org.pretrain4j.spi.AttentionKind;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.testkit.FakePairObjective;
import org.pretrain4j.testkit.FakeTokenObjective;
import org.pretrain4j.testkit.ReferenceBackend;
import org.pretrain4j.testkit.TinyBatches;
import org.pretrain4j.testkit.TinyModels;
import org.pretrain4j.train.checkpoint.CheckpointStore;

/** The trainer on the real training graphs of a tiny transformer with a two-term objective, dropout and accumulation. */
final class TransformerTrainingTest {
    private static final long SEED = 3;

    @TempDir
    Path dir;

    private static final Objective OBJECTIVE = Objectives.compose(
            List.of(new FakeTokenObjective(AttentionKind.BIDIRECTIONAL), new FakePairObjective()), Map.of());

    private static final class Losses implements TrainingListener {
        final Map<Long, StepRecord> steps = new LinkedHashMap<>();

        @Override
        public void onStep(StepRecord r) {
            steps.put(r.step(), r);
            if (r.step() == stopAfter) {
                throw new IllegalStateException("simulated crash");
            }
        }

        long stopAfter = -1;
    }

    private Trainer.Builder trainer(Path run, TrainerConfig config, TrainingListener listener) {
        TrainingGraphs graphs = new TrainingGraphs(TinyModels.config(AttentionKind.BIDIRECTIONAL, 0.1), TinyModels.BERT_TOKENS,
                OBJECTIVE, config.optimizer(), SEED);
        return Trainer.builder().config(config).backend(new ReferenceBackend())
                .programs(TrainingPrograms.of(graphs, config.accumulationSteps()))
                .objective(OBJECTIVE)
                .trainData(new TinyBatches(OBJECTIVE, TinyModels.BERT_TOKENS, SEED, config.batchSize(), 12))
                .evalData(new TinyBatches(OBJECTIVE, TinyModels.BERT_TOKENS, SEED + 100, 4, 12))
                .runDirectory(run)
                .listener(listener);
    }

    @Test
    void aTinyTransformerResumedMidRunRepeatsEveryLoss() {
        TrainerConfig config = TrainerConfig.builder().steps(8).batchSize(2).accumulationSteps(2).learningRate(1e-2)
                .warmupSteps(2).optimizer(AdamW.Config.bert()).evalEvery(0).evalBatches(1).checkpointEvery(3)
                .keepCheckpoints(2).seed(SEED).logEvery(1).build();
        Losses whole = new Losses();
        TrainingResult full = trainer(dir.resolve("whole"), config, whole).build().train();
        assertThat(full.lastEvaluation().orElseThrow().metrics()).isNotEmpty();

        Losses first = new Losses();
        first.stopAfter = 5;
        assertThatThrownBy(() -> trainer(dir.resolve("resumed"), config, first).build().train()).hasMessageContaining("simulated");
        Losses second = new Losses();
        trainer(dir.resolve("resumed"), config, second).build().resume();
        assertThat(second.steps.keySet()).containsExactly(4L, 5L, 6L, 7L, 8L);

        for (long step = 1; step <= 8; step++) {
            StepRecord expected = whole.steps.get(step);
            StepRecord actual = step <= 3 ? first.steps.get(step) : second.steps.get(step);
            assertThat(actual.loss()).as("step %d", step).isCloseTo(expected.loss(), within(1e-6));
            assertThat(actual.termLosses().keySet()).containsExactly(FakeTokenObjective.TERM, FakePairObjective.TERM);
            assertThat(actual.gradientNorm()).as("step %d", step).isCloseTo(expected.gradientNorm(), within(1e-6));
        }
        // Dropout is on: the steps' seeds differ, and resuming must reproduce them, not just the data.
        assertThat(whole.steps.get(1L).loss()).isNotEqualTo(whole.steps.get(2L).loss());
        Map<String, HostTensor> a = new CheckpointStore(dir.resolve("whole/checkpoints")).loadNewest(false, m -> {}).orElseThrow().tensors();
        Map<String, HostTensor> b = new CheckpointStore(dir.resolve("resumed/checkpoints")).loadNewest(false, m -> {}).orElseThrow().tensors();
        assertThat(b.keySet()).isEqualTo(a.keySet());
        a.forEach((name, t) -> assertThat(b.get(name).floats()).as(name).containsExactly(t.floats()));
    }
}

package org.pretrain4j.backend.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pretrain4j.graph.AdamW;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.objective.Objectives;
import org.pretrain4j.spi.AttentionKind;
import org.pretrain4j.spi.Backend;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.testkit.FakePairObjective;
import org.pretrain4j.testkit.FakeTokenObjective;
import org.pretrain4j.testkit.TinyBatches;
import org.pretrain4j.testkit.TinyModels;
import org.pretrain4j.train.StepRecord;
import org.pretrain4j.train.Trainer;
import org.pretrain4j.train.TrainerConfig;
import org.pretrain4j.train.TrainingGraphs;
import org.pretrain4j.train.TrainingListener;
import org.pretrain4j.train.TrainingPrograms;
import org.pretrain4j.train.checkpoint.CheckpointStore;

/**
 * The trainer's exact resume on ONNX Runtime (same threads): a tiny transformer with dropout and a
 * two-term objective, stopped after a checkpoint and resumed, repeats the uninterrupted losses.
 */
final class OnnxTrainerResumeTest {
    private static final long SEED = 9;
    private static final Objective OBJECTIVE = Objectives.compose(
            List.of(new FakeTokenObjective(AttentionKind.BIDIRECTIONAL), new FakePairObjective()), Map.of());

    @TempDir
    Path dir;

    private static final class Steps implements TrainingListener {
        final Map<Long, StepRecord> steps = new LinkedHashMap<>();
        final long stopAfter;

        Steps(long stopAfter) {
            this.stopAfter = stopAfter;
        }

        @Override
        public void onStep(StepRecord r) {
            steps.put(r.step(), r);
            if (r.step() == stopAfter) {
                throw new IllegalStateException("simulated crash after step " + r.step());
            }
        }
    }

    private static Trainer.Builder trainer(Backend backend, Path run, TrainerConfig config, TrainingListener listener) {
        TrainingGraphs graphs = new TrainingGraphs(TinyModels.config(AttentionKind.BIDIRECTIONAL, 0.1), TinyModels.BERT_TOKENS,
                OBJECTIVE, config.optimizer(), SEED);
        return Trainer.builder().config(config).backend(backend)
                .programs(TrainingPrograms.of(graphs, config.accumulationSteps()))
                .objective(OBJECTIVE)
                .trainData(new TinyBatches(OBJECTIVE, TinyModels.BERT_TOKENS, SEED, config.batchSize(), 16))
                .evalData(new TinyBatches(OBJECTIVE, TinyModels.BERT_TOKENS, SEED + 1, 4, 16))
                .runDirectory(run)
                .listener(listener);
    }

    @Test
    void theTinyPresetTrainsInAJvmWithTheDefaultStack() throws Exception {
        // ONNX Runtime's session creation for this graph overflows a 1 MB native stack (SIGSEGV) unless
        // the trainer compiles on a thread of its own; a child JVM shows it as `java -jar` runs it.
        Path log = dir.resolve("child.log");
        String javaBinary = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(javaBinary, "-Xss1m", "-cp", System.getProperty("java.class.path"),
                TinyPresetTrainingMain.class.getName(), dir.resolve("tiny-preset").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(child.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(child.exitValue()).as(Files.readString(log)).isZero();
        assertThat(Files.readString(log)).contains("trained 2 steps");
    }

    @Test
    void fusedAndAccumulatingRunsResumeExactly() {
        for (int accumulation : new int[] {1, 2}) {
            TrainerConfig config = TrainerConfig.builder().steps(8).batchSize(2).accumulationSteps(accumulation)
                    .learningRate(1e-2).warmupSteps(2).optimizer(AdamW.Config.bert()).evalEvery(4).evalBatches(1)
                    .checkpointEvery(3).keepCheckpoints(2).seed(SEED).logEvery(1).build();
            try (Backend backend = new OnnxBackendFactory().create(Map.of("threads", "2"))) {
                Path whole = dir.resolve("whole-" + accumulation);
                Path resumed = dir.resolve("resumed-" + accumulation);
                Steps uninterrupted = new Steps(-1);
                trainer(backend, whole, config, uninterrupted).build().train();
                Steps first = new Steps(5);
                assertThatThrownBy(() -> trainer(backend, resumed, config, first).build().train()).hasMessageContaining("simulated");
                Steps second = new Steps(-1);
                trainer(backend, resumed, config, second).build().resume();

                assertThat(second.steps.keySet()).containsExactly(4L, 5L, 6L, 7L, 8L);
                for (long step = 1; step <= 8; step++) {
                    double expected = uninterrupted.steps.get(step).loss();
                    double actual = (step <= 3 ? first.steps.get(step) : second.steps.get(step)).loss();
                    assertThat(actual).as("accumulation %d, step %d", accumulation, step).isCloseTo(expected, within(1e-6));
                }
                Map<String, HostTensor> a = new CheckpointStore(whole.resolve("checkpoints")).loadNewest(false, m -> {}).orElseThrow().tensors();
                Map<String, HostTensor> b = new CheckpointStore(resumed.resolve("checkpoints")).loadNewest(false, m -> {}).orElseThrow().tensors();
                assertThat(b.keySet()).isEqualTo(a.keySet());
                a.forEach((name, t) -> assertThat(b.get(name).floats()).as(name).containsExactly(t.floats()));
            }
        }
    }
}

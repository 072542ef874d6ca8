package org.pretrain4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pretrain4j.data.Batch;
import org.pretrain4j.graph.AdamW;
import org.pretrain4j.graph.Executable;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.testkit.ReferenceBackend;
import org.pretrain4j.testkit.ToyTraining;
import org.pretrain4j.train.checkpoint.Checkpoint;
import org.pretrain4j.train.checkpoint.CheckpointException;
import org.pretrain4j.train.checkpoint.CheckpointStore;

final class TrainerTest {
    private static final long SEED = 11;
    private static final AdamW.Config ADAM = new AdamW.Config(0.9, 0.999, 1e-6, 0.01, 1.0);
    private static final Map<String, Double> WEIGHTS = Map.of(ToyTraining.ALPHA, 1.0, ToyTraining.BETA, 0.5);

    @TempDir
    Path dir;

    /** Collects what listeners see. */
    private static final class Recorder implements TrainingListener {
        final Map<Long, StepRecord> steps = new LinkedHashMap<>();
        final List<EvalRecord> evaluations = new ArrayList<>();
        final List<Long> checkpoints = new ArrayList<>();
        final List<String> messages = new ArrayList<>();
        RuntimeException failure;
        TrainingStart start;

        @Override
        public void onStart(TrainingStart s) {
            start = s;
        }

        @Override
        public void onStep(StepRecord r) {
            steps.put(r.step(), r);
        }

        @Override
        public void onEvaluation(EvalRecord r) {
            evaluations.add(r);
        }

        @Override
        public void onCheckpoint(long step, Path directory) {
            checkpoints.add(step);
        }

        @Override
        public void onMessage(String m) {
            messages.add(m);
        }

        @Override
        public void onFailure(RuntimeException e) {
            failure = e;
        }
    }

    /** Stops the run after a step, as a crash would. */
    private static final class StopAfter implements TrainingListener {
        private final long step;

        StopAfter(long step) {
            this.step = step;
        }

        @Override
        public void onStep(StepRecord r) {
            if (r.step() == step) {
                throw new IllegalStateException("simulated crash after step " + step);
            }
        }
    }

    private static TrainerConfig.Builder config() {
        return TrainerConfig.builder().steps(12).batchSize(6).accumulationSteps(1).learningRate(0.05).warmupSteps(2)
                .schedule(Schedule.LINEAR).optimizer(ADAM).evalEvery(5).evalBatches(0).checkpointEvery(4)
                .keepCheckpoints(2).seed(SEED).logEvery(1);
    }

    private Trainer.Builder trainer(Path runDirectory, TrainerConfig c, double dropout, ToyTraining.Data data, TrainingListener... listeners) {
        Trainer.Builder b = Trainer.builder()
                .config(c)
                .backend(new ReferenceBackend())
                .programs(ToyTraining.programs(SEED, dropout, c.optimizer(), WEIGHTS))
                .objective(ToyTraining.metricsObjective())
                .trainData(data)
                .evalData(ToyTraining.Data.heldOut(SEED + 1, 10, 4))
                .runDirectory(runDirectory);
        for (TrainingListener l : listeners) {
            b.listener(l);
        }
        return b;
    }

    private static ToyTraining.Data data(int batchSize) {
        return ToyTraining.Data.training(SEED, 20, batchSize);
    }

    @Test
    void trainsReportsAndLearns() throws Exception {
        Recorder rec = new Recorder();
        TrainerConfig c = config().steps(40).evalEvery(20).checkpointEvery(20).learningRate(0.03).build();
        TrainingResult result = trainer(dir, c, 0.0, data(6), rec).build().train();

        assertThat(result.steps()).isEqualTo(40);
        assertThat(rec.steps).hasSize(40);
        StepRecord first = rec.steps.get(1L);
        assertThat(first.learningRate()).isEqualTo(0.0);
        assertThat(rec.steps.get(2L).learningRate()).isCloseTo(0.015, within(1e-12));
        assertThat(first.termLosses()).containsOnlyKeys(ToyTraining.ALPHA, ToyTraining.BETA);
        assertThat(first.metrics()).containsKeys("alpha_accuracy", "beta_accuracy", "alpha_loss", "beta_loss");
        assertThat(first.loss()).isCloseTo(first.termLosses().get("alpha") + 0.5 * first.termLosses().get("beta"), within(1e-9));
        assertThat(first.gradientNorm()).isPositive();
        assertThat(first.tokens()).isEqualTo(6L * ToyTraining.FEATURES);
        assertThat(first.tokensPerSecond()).isPositive();
        // 20 examples per epoch in batches of 6, 6, 6, 2: after step 4 the data is at the next epoch's start.
        assertThat(rec.steps.get(3L).position()).isEqualTo(new DataPosition(0, 18));
        assertThat(rec.steps.get(4L).position()).isEqualTo(new DataPosition(1, 0));

        double early = average(rec, 2, 6);
        double late = average(rec, 35, 40);
        assertThat(late).as("loss must fall: early %s, late %s", early, late).isLessThan(early * 0.5);

        assertThat(rec.evaluations).extracting(EvalRecord::step).containsExactly(20L, 40L);
        EvalRecord eval = rec.evaluations.get(1);
        assertThat(eval.examples()).isEqualTo(10);
        assertThat(eval.batches()).isEqualTo(3);
        assertThat(rec.checkpoints).containsExactly(20L, 40L);
        assertThat(result.lastCheckpoint()).contains(dir.resolve("checkpoints").resolve("step-00000040"));

        List<JsonNode> lines = JsonLinesMetricsWriter.read(dir.resolve("metrics.jsonl"));
        assertThat(lines.stream().filter(n -> n.get("type").asText().equals("train"))).hasSize(40);
        JsonNode evalLine = lines.stream().filter(n -> n.get("type").asText().equals("eval")).reduce((a, b) -> b).orElseThrow();
        assertThat(evalLine.get("step").asLong()).isEqualTo(40);
        assertThat(evalLine.get("metrics").get("beta_accuracy").asDouble()).isEqualTo(eval.metrics().get("beta_accuracy"));
        JsonNode step7 = lines.stream().filter(n -> n.get("step").asLong() == 7 && n.get("type").asText().equals("train")).findFirst().orElseThrow();
        assertThat(step7.get("losses").get("beta").asDouble()).isEqualTo(rec.steps.get(7L).termLosses().get("beta"));
        assertThat(step7.get("learning_rate").asDouble()).isEqualTo(rec.steps.get(7L).learningRate());
    }

    @Test
    void evaluationSumsOverEveryHeldOutExampleBeforeDividing() throws Exception {
        Recorder rec = new Recorder();
        TrainerConfig c = config().steps(4).evalEvery(0).build();
        trainer(dir, c, 0.0, data(6), rec).build().train();
        EvalRecord eval = rec.evaluations.get(0);

        // Recompute by hand from the final checkpoint's parameters with the evaluation program.
        Checkpoint checkpoint = new CheckpointStore(dir.resolve("checkpoints")).loadNewest(false, m -> {}).orElseThrow();
        var program = ToyTraining.programs(SEED, 0, ADAM, WEIGHTS).evaluation().orElseThrow();
        Map<String, Double> sums = new HashMap<>();
        try (Executable exec = new ReferenceBackend().compile(program)) {
            Map<String, HostTensor> params = new HashMap<>();
            program.variables().forEach(v -> params.put(v.name(), checkpoint.tensors().get(v.name())));
            exec.loadState(params);
            try (BatchSource.Stream s = ToyTraining.Data.heldOut(SEED + 1, 10, 4).open(DataPosition.START)) {
                for (Batch b; (b = s.next()) != null; ) {
                    Map<String, HostTensor> in = new HashMap<>(b.inputs());
                    exec.run(in).forEach((k, v) -> sums.merge(k, (double) v.floats()[0], Double::sum));
                }
            }
        }
        double betaLoss = sums.get("beta/loss_sum") / sums.get("beta/count");
        assertThat(eval.termLosses().get("beta")).isCloseTo(betaLoss, within(1e-12));
        assertThat(eval.metrics().get("alpha_accuracy")).isCloseTo(sums.get("alpha/close") / 10, within(1e-12));
        assertThat(eval.loss()).isCloseTo(sums.get("alpha/loss_sum") / 10 + 0.5 * betaLoss, within(1e-12));

        Recorder again = new Recorder();
        EvalRecord standalone = trainer(dir, c, 0.0, data(6), again).metricsFile(false).build().evaluateNewestCheckpoint();
        assertThat(standalone.metrics()).isEqualTo(eval.metrics());
    }

    @Test
    void accumulationOverMicroBatchesEqualsOneBigBatch() {
        // Beta's targets differ in number between micro-batches, so normalising per micro-batch would not match.
        Recorder big = new Recorder();
        trainer(dir.resolve("big"), config().batchSize(10).accumulationSteps(1).build(), 0.0, data(10), big).build().train();
        Recorder micro = new Recorder();
        trainer(dir.resolve("micro"), config().batchSize(5).accumulationSteps(2).build(), 0.0, data(5), micro).build().train();

        assertThat(micro.steps).hasSize(12);
        for (long step = 1; step <= 12; step++) {
            StepRecord a = big.steps.get(step);
            StepRecord b = micro.steps.get(step);
            assertThat(b.loss()).as("step %d", step).isCloseTo(a.loss(), within(1e-6));
            assertThat(b.termLosses().get("beta")).as("step %d", step).isCloseTo(a.termLosses().get("beta"), within(1e-6));
            assertThat(b.gradientNorm()).as("step %d", step).isCloseTo(a.gradientNorm(), within(1e-6));
            assertThat(b.examples()).isEqualTo(10);
        }
        Map<String, HostTensor> p = finalState(dir.resolve("big"));
        Map<String, HostTensor> q = finalState(dir.resolve("micro"));
        float[] w1 = p.get("toy/hidden/kernel").floats();
        float[] w2 = q.get("toy/hidden/kernel").floats();
        for (int i = 0; i < w1.length; i++) {
            assertThat(w2[i]).isCloseTo(w1[i], within(1e-5f));
        }
    }

    @Test
    void accumulationNeedsTheAccumulateApplyPair() {
        TrainerConfig c = config().accumulationSteps(2).build();
        TrainingPrograms fusedOnly = new TrainingPrograms(ToyTraining.programs(SEED, 0, ADAM, WEIGHTS).step(),
                java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty(), WEIGHTS);
        assertThatThrownBy(() -> Trainer.builder().config(c).backend(new ReferenceBackend()).programs(fusedOnly)
                .runDirectory(dir).build())
                .hasMessageContaining("'accumulation-steps'");
    }

    @Test
    void aRunStoppedAndResumedRepeatsTheUninterruptedLossesExactly() {
        TrainerConfig c = config().accumulationSteps(2).batchSize(3).build();
        Recorder whole = new Recorder();
        trainer(dir.resolve("whole"), c, 0.2, data(3), whole).build().train();

        Recorder firstPart = new Recorder();
        Path run = dir.resolve("interrupted");
        assertThatThrownBy(() -> trainer(run, c, 0.2, data(3), firstPart, new StopAfter(7)).build().train())
                .hasMessageContaining("simulated crash");
        assertThat(firstPart.failure).isNotNull();
        Recorder secondPart = new Recorder();
        TrainingResult result = trainer(run, c, 0.2, data(3), secondPart).build().resume();

        assertThat(secondPart.start.startStep()).isEqualTo(4);
        assertThat(secondPart.start.resumedFrom()).contains(run.resolve("checkpoints").resolve("step-00000004").toAbsolutePath());
        assertThat(secondPart.steps.keySet()).containsExactly(5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L);
        assertThat(result.steps()).isEqualTo(12);
        for (long step = 1; step <= 12; step++) {
            StepRecord expected = whole.steps.get(step);
            StepRecord actual = step <= 4 ? firstPart.steps.get(step) : secondPart.steps.get(step);
            assertThat(actual.loss()).as("step %d", step).isCloseTo(expected.loss(), within(1e-6));
            assertThat(actual.termLosses()).as("step %d", step).isEqualTo(expected.termLosses());
            assertThat(actual.position()).isEqualTo(expected.position());
        }
        // Evaluations at steps 5, 10 and 12 all fall after the checkpoint at step 4.
        assertThat(secondPart.evaluations).extracting(EvalRecord::step).containsExactly(5L, 10L, 12L);
        assertThat(secondPart.evaluations).extracting(EvalRecord::metrics)
                .containsExactlyElementsOf(whole.evaluations.stream().map(EvalRecord::metrics).toList());
        Map<String, HostTensor> a = finalState(dir.resolve("whole"));
        Map<String, HostTensor> b = finalState(run);
        assertThat(b.keySet()).containsExactlyInAnyOrderElementsOf(a.keySet())
                .contains("adam_m/toy/hidden/kernel", "grad_acc/toy/beta/kernel");
        a.forEach((name, t) -> assertThat(b.get(name).floats()).as(name).containsExactly(t.floats()));

        // The metrics file reads as one run: the steps after the checkpoint that the crash lost are not repeated.
        List<JsonNode> lines = JsonLinesMetricsWriter.read(run.resolve("metrics.jsonl"));
        List<Long> trainSteps = lines.stream().filter(n -> n.get("type").asText().equals("train")).map(n -> n.get("step").asLong()).toList();
        assertThat(trainSteps).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L);
    }

    @Test
    void aNonFiniteLossStopsNamingTheStepTheTermAndTheLastGoodCheckpoint() {
        // Step 6 reads examples 6..11 of epoch 1 (batches of 6, 6, 6, 2 per epoch of 20).
        ToyTraining.Data poisoned = data(6).withNanBetaTargetAt(new DataPosition(1, 8));
        Recorder rec = new Recorder();
        assertThatThrownBy(() -> trainer(dir, config().checkpointEvery(2).build(), 0.0, poisoned, rec).build().train())
                .isInstanceOfSatisfying(NonFiniteLossException.class, e -> {
                    assertThat(e.step()).isEqualTo(6);
                    assertThat(e.term()).isEqualTo("beta");
                    assertThat(e.lastGoodCheckpoint()).contains(dir.resolve("checkpoints").resolve("step-00000004").toAbsolutePath());
                })
                .hasMessageContaining("step 6")
                .hasMessageContaining("'beta'")
                .hasMessageContaining("NaN")
                .hasMessageContaining("step-00000004");
        assertThat(rec.steps.keySet()).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(rec.failure).isInstanceOf(NonFiniteLossException.class);
    }

    @Test
    void resumingFromADamagedCheckpointFailsClearlyOrFallsBackWhenAsked() throws Exception {
        TrainerConfig c = config().keepCheckpoints(3).build();
        Recorder whole = new Recorder();
        trainer(dir.resolve("whole"), c, 0.1, data(6), whole).build().train();

        Path run = dir.resolve("damaged");
        assertThatThrownBy(() -> trainer(run, c, 0.1, data(6), new StopAfter(9)).build().train()).hasMessageContaining("simulated");
        Path tensors = run.resolve("checkpoints/step-00000008/tensors.bin").toAbsolutePath();
        try (RandomAccessFile raf = new RandomAccessFile(tensors.toFile(), "rw")) {
            raf.setLength(raf.length() - 3);
        }
        assertThatThrownBy(() -> trainer(run, c, 0.1, data(6)).build().resume())
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(tensors.toString())
                .hasMessageContaining("truncated")
                .hasMessageContaining("step-00000004");

        Recorder rec = new Recorder();
        trainer(run, c, 0.1, data(6), rec).fallBackToOlderCheckpoint(true).build().resume();
        assertThat(rec.messages).hasSize(2);
        assertThat(rec.messages.get(0)).contains("Skipping damaged checkpoint").contains(tensors.toString());
        assertThat(rec.messages.get(1)).contains("Set aside the damaged checkpoint as").contains("damaged-step-00000008");
        assertThat(rec.start.startStep()).isEqualTo(4);
        try (var entries = java.nio.file.Files.list(run.resolve("checkpoints"))) {
            assertThat(entries.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("damaged-step-00000008-"))).hasSize(1);
        }
        assertThat(new CheckpointStore(run.resolve("checkpoints")).list()).extracting(p -> p.getFileName().toString())
                .containsExactly("step-00000004", "step-00000008", "step-00000012");
        for (long step = 5; step <= 12; step++) {
            assertThat(rec.steps.get(step).loss()).isCloseTo(whole.steps.get(step).loss(), within(1e-6));
        }
    }

    @Test
    void aFreshRunRefusesADirectoryWithCheckpointsAndResumeNeedsOne() {
        TrainerConfig c = config().steps(2).build();
        trainer(dir, c, 0, data(6)).build().train();
        assertThatThrownBy(() -> trainer(dir, c, 0, data(6)).build().train())
                .isInstanceOf(TrainingException.class)
                .hasMessageContaining("already has checkpoints");
        assertThatThrownBy(() -> trainer(dir.resolve("empty"), c, 0, data(6)).build().resume())
                .hasMessageContaining("No checkpoint to resume from");
        assertThatThrownBy(() -> trainer(dir, c.toBuilder().seed(SEED + 1).build(), 0, data(6)).build().resume())
                .hasMessageContaining("seed");
    }

    @Test
    void aStopRequestCheckpointsTheCurrentStepAndTheRunResumesFromThere() {
        TrainerConfig c = config().checkpointEvery(0).build();
        Recorder whole = new Recorder();
        trainer(dir.resolve("whole"), c, 0.1, data(6), whole).build().train();

        Path run = dir.resolve("stopped");
        Trainer[] self = new Trainer[1];
        TrainingListener stopper = new TrainingListener() {
            @Override
            public void onStep(StepRecord r) {
                if (r.step() == 5) {
                    self[0].requestStop();
                }
            }
        };
        Recorder first = new Recorder();
        self[0] = trainer(run, c, 0.1, data(6), first, stopper).build();
        TrainingResult stopped = self[0].train();
        assertThat(stopped.completed()).isFalse();
        assertThat(stopped.steps()).isEqualTo(5);
        assertThat(first.checkpoints).containsExactly(5L);
        assertThat(first.messages).singleElement().asString().contains("Stopped on request after step 5");

        Recorder second = new Recorder();
        TrainingResult finished = trainer(run, c, 0.1, data(6), second).build().resume();
        assertThat(finished.completed()).isTrue();
        for (long step = 6; step <= 12; step++) {
            assertThat(second.steps.get(step).loss()).isCloseTo(whole.steps.get(step).loss(), within(1e-6));
        }
    }

    @Test
    void aRunMayResumeWithAnotherAccumulationSettingAndIsToldItIsNotExact() {
        Path run = dir.resolve("switch");
        TrainerConfig micro = config().batchSize(3).accumulationSteps(2).build();
        assertThatThrownBy(() -> trainer(run, micro, 0, data(3), new StopAfter(5)).build().train()).hasMessageContaining("simulated");
        Recorder rec = new Recorder();
        TrainerConfig fused = config().batchSize(6).accumulationSteps(1).build();
        TrainingResult r = trainer(run, fused, 0, data(6), rec).build().resume();
        assertThat(r.steps()).isEqualTo(12);
        assertThat(rec.messages).singleElement().asString().contains("will not repeat an uninterrupted one exactly");
        assertThat(finalState(run)).doesNotContainKey("grad_acc/toy/beta/kernel");

        Recorder back = new Recorder();
        Path other = dir.resolve("back");
        assertThatThrownBy(() -> trainer(other, fused, 0, data(6), new StopAfter(5)).build().train()).hasMessageContaining("simulated");
        trainer(other, micro, 0, data(3), back).build().resume();
        assertThat(finalState(other)).containsKey("grad_acc/toy/beta/kernel");
        assertThat(back.steps.keySet()).contains(5L, 12L);
    }

    private static Map<String, HostTensor> finalState(Path run) {
        return new CheckpointStore(run.resolve("checkpoints")).loadNewest(false, m -> {}).orElseThrow().tensors();
    }

    private static double average(Recorder rec, long from, long to) {
        double s = 0;
        for (long i = from; i <= to; i++) {
            s += rec.steps.get(i).loss();
        }
        return s / (to - from + 1);
    }

}

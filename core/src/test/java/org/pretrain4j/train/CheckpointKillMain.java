package org.pretrain4j.train;

import java.nio.file.Path;
import java.util.Map;
import org.pretrain4j.graph.AdamW;
import org.pretrain4j.testkit.CheckpointPause;
import org.pretrain4j.testkit.ReferenceBackend;
import org.pretrain4j.testkit.ToyTraining;
import org.pretrain4j.train.checkpoint.CheckpointStore;

/**
 * The child process of {@link CheckpointKillTest}: trains the toy model into the run directory given
 * as the first argument, with a checkpoint every 2 steps, pausing each checkpoint write before its
 * rename on the signal file given as the second ({@link CheckpointPause}); the test kills it there with SIGKILL.
 */
public final class CheckpointKillMain {
    static final long SEED = 5;
    static final TrainerConfig CONFIG = TrainerConfig.builder().steps(10).batchSize(3).accumulationSteps(2)
            .learningRate(0.05).warmupSteps(2).schedule(Schedule.COSINE).optimizer(AdamW.Config.bert())
            .evalEvery(3).evalBatches(0).checkpointEvery(2).keepCheckpoints(2).seed(SEED).logEvery(1).build();

    private CheckpointKillMain() {}

    /** The trainer both the child and the test use, so the runs are the same run. */
    static Trainer.Builder trainer(Path runDirectory) {
        return Trainer.builder()
                .config(CONFIG)
                .backend(new ReferenceBackend())
                .programs(ToyTraining.programs(SEED, 0.1, CONFIG.optimizer(), Map.of()))
                .objective(ToyTraining.metricsObjective())
                .trainData(ToyTraining.Data.training(SEED, 14, CONFIG.batchSize()))
                .evalData(ToyTraining.Data.heldOut(SEED + 1, 6, 4))
                .runDirectory(runDirectory);
    }

    public static void main(String[] args) {
        trainer(Path.of(args[0])).listener(new CheckpointPause(Path.of(args[1]))).build().train();
    }
}

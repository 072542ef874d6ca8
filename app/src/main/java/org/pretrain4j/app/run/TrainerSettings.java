package org.pretrain4j.app.run;

import org.pretrain4j.app.config.RunConfig;
import org.pretrain4j.graph.AdamW;
import org.pretrain4j.train.Schedule;
import org.pretrain4j.train.TrainerConfig;

/** The trainer's and the optimizer's settings of a run configuration, with the AdamW constants a run does not expose. */
final class TrainerSettings {
    /** BERT's AdamW: beta1 0.9, beta2 0.999, epsilon 1e-6. */
    static final double BETA1 = 0.9;
    static final double BETA2 = 0.999;
    static final double EPSILON = 1e-6;

    private TrainerSettings() {}

    static AdamW.Config optimizer(RunConfig config) {
        return new AdamW.Config(BETA1, BETA2, EPSILON, config.weightDecay(), config.clipNorm());
    }

    static TrainerConfig trainerConfig(RunConfig config) {
        return TrainerConfig.builder()
                .steps(config.steps())
                .batchSize(config.batchSize())
                .accumulationSteps(config.gradientAccumulation())
                .learningRate(config.learningRate())
                .warmupSteps(Math.min(config.warmupSteps(), config.steps()))
                .schedule(Schedule.parse(config.schedule()))
                .optimizer(optimizer(config))
                .evalEvery(config.evalEvery())
                .evalBatches(config.evalBatches())
                .checkpointEvery(config.checkpointEvery())
                .keepCheckpoints(config.keepCheckpoints())
                .seed(config.seed())
                .logEvery(config.logEvery())
                .build();
    }
}

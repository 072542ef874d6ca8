package org.pretrain4j.train;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import org.pretrain4j.graph.AdamW;

/**
 * What the training loop does, written into every checkpoint as JSON with kebab-case keys. Every
 * check names the bad field by its key.
 *
 * <p>{@code batchSize} is the number of examples in one micro-batch (what the data source
 * delivers); a step runs {@code accumulationSteps} micro-batches, so it sees
 * {@code batchSize * accumulationSteps} examples. Warm-up is {@code warmupSteps} when positive,
 * else {@code ceil(warmupFraction * steps)}. {@code evalEvery} and {@code checkpointEvery} of 0
 * mean only at the end; {@code logEvery} is how often listeners that log write a record.
 * {@code optimizer} is built into the training programs (only the learning rate is an input);
 * it is here so that one record holds, and every checkpoint records, the whole recipe.
 */
@JsonNaming(PropertyNamingStrategies.KebabCaseStrategy.class)
public record TrainerConfig(
        long steps,
        int batchSize,
        int accumulationSteps,
        double learningRate,
        long warmupSteps,
        double warmupFraction,
        Schedule schedule,
        AdamW.Config optimizer,
        long evalEvery,
        int evalBatches,
        long checkpointEvery,
        int keepCheckpoints,
        long seed,
        long logEvery) {

    public TrainerConfig {
        requireNonNull(schedule, "schedule is null");
        requireNonNull(optimizer, "optimizer is null");
        if (steps <= 0) {
            throw invalid("steps", "must be positive", steps);
        }
        if (batchSize <= 0) {
            throw invalid("batch-size", "must be positive", batchSize);
        }
        if (accumulationSteps <= 0) {
            throw invalid("accumulation-steps", "must be at least 1", accumulationSteps);
        }
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw invalid("learning-rate", "must be positive and finite", learningRate);
        }
        if (warmupSteps < 0 || warmupSteps > steps) {
            throw invalid("warmup-steps", "must be in [0, steps=" + steps + "]", warmupSteps);
        }
        if (!(warmupFraction >= 0 && warmupFraction <= 1)) {
            throw invalid("warmup-fraction", "must be in [0, 1]", warmupFraction);
        }
        if (evalEvery < 0) {
            throw invalid("eval-every", "must not be negative (0 = only at the end)", evalEvery);
        }
        if (evalBatches < 0) {
            throw invalid("eval-batches", "must not be negative", evalBatches);
        }
        if (checkpointEvery < 0) {
            throw invalid("checkpoint-every", "must not be negative (0 = only at the end)", checkpointEvery);
        }
        if (keepCheckpoints <= 0) {
            throw invalid("keep-checkpoints", "must be at least 1", keepCheckpoints);
        }
        if (logEvery <= 0) {
            throw invalid("log-every", "must be positive", logEvery);
        }
    }

    /** The defaults, as a builder to change. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.steps = steps;
        b.batchSize = batchSize;
        b.accumulationSteps = accumulationSteps;
        b.learningRate = learningRate;
        b.warmupSteps = warmupSteps;
        b.warmupFraction = warmupFraction;
        b.schedule = schedule;
        b.optimizer = optimizer;
        b.evalEvery = evalEvery;
        b.evalBatches = evalBatches;
        b.checkpointEvery = checkpointEvery;
        b.keepCheckpoints = keepCheckpoints;
        b.seed = seed;
        b.logEvery = logEvery;
        return b;
    }

    /** Warm-up steps actually used: {@code warmupSteps} when positive, else {@code ceil(warmupFraction * steps)}. */
    public long effectiveWarmupSteps() {
        return warmupSteps > 0 ? warmupSteps : (long) Math.ceil(warmupFraction * steps);
    }

    /** Examples per optimizer step. */
    public long examplesPerStep() {
        return (long) batchSize * accumulationSteps;
    }

    private static IllegalArgumentException invalid(String key, String rule, Object value) {
        return new IllegalArgumentException("Invalid trainer setting '" + key + "': " + rule + ", got " + value);
    }

    /** Mutable builder; the defaults live here and only here. */
    public static final class Builder {
        private long steps = 1000;
        private int batchSize = 32;
        private int accumulationSteps = 1;
        private double learningRate = 1e-4;
        private long warmupSteps = 0;
        private double warmupFraction = 0.1;
        private Schedule schedule = Schedule.LINEAR;
        private AdamW.Config optimizer = AdamW.Config.bert();
        private long evalEvery = 500;
        private int evalBatches = 20;
        private long checkpointEvery = 500;
        private int keepCheckpoints = 3;
        private long seed = 42;
        private long logEvery = 10;

        private Builder() {}

        public Builder steps(long v) { steps = v; return this; }
        public Builder batchSize(int v) { batchSize = v; return this; }
        public Builder accumulationSteps(int v) { accumulationSteps = v; return this; }
        public Builder learningRate(double v) { learningRate = v; return this; }
        /** Sets warm-up in steps (and clears the fraction). */
        public Builder warmupSteps(long v) { warmupSteps = v; warmupFraction = 0; return this; }
        /** Sets warm-up as a fraction of the steps (and clears the step count). */
        public Builder warmupFraction(double v) { warmupFraction = v; warmupSteps = 0; return this; }
        public Builder schedule(Schedule v) { schedule = v; return this; }
        /** AdamW's betas, epsilon, weight decay and clipping; baked into the training programs, recorded here. */
        public Builder optimizer(AdamW.Config v) { optimizer = v; return this; }
        public Builder evalEvery(long v) { evalEvery = v; return this; }
        public Builder evalBatches(int v) { evalBatches = v; return this; }
        public Builder checkpointEvery(long v) { checkpointEvery = v; return this; }
        public Builder keepCheckpoints(int v) { keepCheckpoints = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder logEvery(long v) { logEvery = v; return this; }

        public TrainerConfig build() {
            return new TrainerConfig(steps, batchSize, accumulationSteps, learningRate, warmupSteps, warmupFraction,
                    schedule, optimizer, evalEvery, evalBatches, checkpointEvery, keepCheckpoints, seed, logEvery);
        }
    }
}

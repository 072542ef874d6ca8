package org.pretrain4j.train;

import static java.util.Objects.requireNonNull;

/**
 * Learning rate at each step: linear warm-up from zero to {@code peak}, then the schedule's decay,
 * with exactly the formulas of Hugging Face's {@code get_linear_schedule_with_warmup} and
 * {@code get_cosine_schedule_with_warmup} so that runs compare with theirs.
 *
 * <p>With {@code c} the number of steps completed before the update (0 for the first step of a
 * run), {@code W} the warm-up steps and {@code T} the total steps:
 * <pre>
 * c &lt; W:     peak * c / W
 * linear:    peak * max(0, (T - c) / (T - W))
 * cosine:    peak * max(0, 0.5 * (1 + cos(pi * (c - W) / (T - W))))
 * constant:  peak
 * </pre>
 */
public record LearningRateSchedule(Schedule schedule, double peak, long warmupSteps, long totalSteps) {
    public LearningRateSchedule {
        requireNonNull(schedule, "schedule is null");
        if (!(peak > 0) || !Double.isFinite(peak)) {
            throw new IllegalArgumentException("learning-rate must be positive and finite, got " + peak);
        }
        if (totalSteps <= 0) {
            throw new IllegalArgumentException("steps must be positive, got " + totalSteps);
        }
        if (warmupSteps < 0 || warmupSteps > totalSteps) {
            throw new IllegalArgumentException("warmup-steps must be in [0, steps=" + totalSteps + "], got " + warmupSteps);
        }
    }

    /** The schedule a trainer configuration describes. */
    public static LearningRateSchedule of(TrainerConfig config) {
        return new LearningRateSchedule(config.schedule(), config.learningRate(), config.effectiveWarmupSteps(), config.steps());
    }

    /** The rate for the update that follows {@code completedSteps} completed steps (0-based). */
    public double at(long completedSteps) {
        if (completedSteps < 0) {
            throw new IllegalArgumentException("completed steps must not be negative: " + completedSteps);
        }
        if (completedSteps < warmupSteps) {
            return peak * completedSteps / warmupSteps;
        }
        if (schedule == Schedule.CONSTANT) {
            return peak;
        }
        long decaySteps = Math.max(1, totalSteps - warmupSteps);
        double progress = (double) (completedSteps - warmupSteps) / decaySteps;
        if (schedule == Schedule.LINEAR) {
            return peak * Math.max(0.0, 1.0 - progress);
        }
        return peak * Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * progress)));
    }
}

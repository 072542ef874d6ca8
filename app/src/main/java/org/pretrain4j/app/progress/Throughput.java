package org.pretrain4j.app.progress;

import java.time.Duration;

/** Tokens per second over the recent steps and the time left, from the steps of this process only. */
final class Throughput {
    private final long firstStep;
    private final long started = System.nanoTime();
    private double smoothedTokensPerSecond;

    Throughput(long firstStep) {
        this.firstStep = firstStep;
    }

    /** Records a step; returns the smoothed tokens per second. */
    double add(long tokens, double seconds) {
        double rate = seconds > 0 ? tokens / seconds : 0;
        // Exponential smoothing: a single slow step (evaluation, checkpoint, GC) does not swing the figure.
        smoothedTokensPerSecond = smoothedTokensPerSecond == 0 ? rate : 0.9 * smoothedTokensPerSecond + 0.1 * rate;
        return smoothedTokensPerSecond;
    }

    double tokensPerSecond() {
        return smoothedTokensPerSecond;
    }

    /** Estimated time to reach {@code total} from {@code step}, from the mean wall time per step so far. */
    Duration remaining(long step, long total) {
        long done = step - firstStep;
        if (done <= 0) {
            return Duration.ZERO;
        }
        double perStep = (System.nanoTime() - started) / 1e9 / done;
        return Duration.ofMillis((long) (perStep * (total - step) * 1000));
    }

    static String format(Duration d) {
        long s = d.toSeconds();
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, (s % 3600) / 60)
                : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }
}

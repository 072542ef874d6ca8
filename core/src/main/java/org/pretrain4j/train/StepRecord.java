package org.pretrain4j.train;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one optimizer step did. {@code loss} is the weighted sum of the terms' mean losses over
 * the whole accumulated batch, {@code termLosses} each term's {@code loss_sum / count}, and
 * {@code metrics} what the objective reports from the summed outputs (e.g. {@code
 * masked_lm_accuracy}). {@code position} is where the data continues after this step.
 */
public record StepRecord(
        long step,
        long totalSteps,
        double learningRate,
        double loss,
        Map<String, Double> termLosses,
        Map<String, Double> metrics,
        double gradientNorm,
        long examples,
        long tokens,
        double seconds,
        DataPosition position) {

    public StepRecord {
        termLosses = Collections.unmodifiableMap(new LinkedHashMap<>(termLosses));
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        requireNonNull(position, "position is null");
    }

    /** Tokens per second of wall time for this step, data waits included. */
    public double tokensPerSecond() {
        return seconds > 0 ? tokens / seconds : 0;
    }
}

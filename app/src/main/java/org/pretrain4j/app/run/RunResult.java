package org.pretrain4j.app.run;

import java.nio.file.Path;
import java.util.Map;

/**
 * What a finished training run left: its folder, steps done, the last held-out metrics, the export
 * folder (null when not exported), wall time and mean training throughput.
 */
public record RunResult(Path runDirectory, long steps, Map<String, Double> validationMetrics, Path export,
        double seconds, double tokensPerSecond) {
    public RunResult {
        validationMetrics = Map.copyOf(validationMetrics);
    }
}

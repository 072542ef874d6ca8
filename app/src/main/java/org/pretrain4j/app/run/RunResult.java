package org.pretrain4j.app.run;

import java.nio.file.Path;
import java.util.Map;

/**
 * What a training run left: its folder, steps done, whether it reached its last step (false after
 * Ctrl-C), the last held-out metrics, the export
 * folder (null when not exported), wall time and mean training throughput.
 */
public record RunResult(Path runDirectory, long steps, boolean completed, Map<String, Double> validationMetrics, Path export,
        double seconds, double tokensPerSecond) {
    public RunResult {
        validationMetrics = Map.copyOf(validationMetrics);
    }
}

package org.pretrain4j.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.pretrain4j.app.testing.CommandRun;

final class BenchCommandTest {
    @Test
    void benchPrintsOneJsonObjectWithThroughputAndMfu() throws Exception {
        CommandRun r = CommandRun.of("bench", "--preset", "tiny", "--objective", "mlm+nsp", "--batch", "2", "--seq", "16", "--vocab", "300",
                "--threads", "1", "--warmup", "1", "--steps-per-window", "1", "--json");

        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode result = new ObjectMapper().readTree(r.out());
        assertThat(result.path("preset").asText()).isEqualTo("tiny");
        assertThat(result.path("objective").asText()).isEqualTo("mlm+nsp");
        assertThat(result.path("threads").asInt()).isEqualTo(1);
        assertThat(result.path("tokens_per_second").asDouble()).isPositive();
        assertThat(result.path("tokens_per_second_min").asDouble()).isLessThanOrEqualTo(result.path("tokens_per_second_max").asDouble());
        assertThat(result.path("mfu").asDouble()).isBetween(0.0, 1.5);
        assertThat(result.has("gemm_gflops_per_second")).isTrue();
        assertThat(result.has("peak_rss_mb")).isTrue();
    }

    @Test
    void badBenchSettingsAreUsageErrors() {
        CommandRun mode = CommandRun.of("bench", "--mode", "fast");
        CommandRun objective = CommandRun.of("bench", "--objective", "clm+mlm");

        assertThat(mode.exitCode()).isEqualTo(2);
        assertThat(mode.err()).contains("--mode").contains("'fast'");
        assertThat(objective.exitCode()).isEqualTo(2);
        assertThat(objective.err()).contains("attention");
    }
}

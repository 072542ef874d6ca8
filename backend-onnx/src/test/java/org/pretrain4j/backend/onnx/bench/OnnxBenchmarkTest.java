package org.pretrain4j.backend.onnx.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pretrain4j.backend.onnx.OnnxConfig;
import org.pretrain4j.nn.TransformerConfig;
import org.pretrain4j.spi.AttentionKind;
import org.pretrain4j.testkit.FakeTokenObjective;

/** The benchmark API on a tiny model: every JSON field the bench command prints, consistent figures, both modes. */
final class OnnxBenchmarkTest {
    private static BenchOptions options(BenchOptions.Mode mode) {
        return new BenchOptions(2, 8, OnnxConfig.parse(Map.of("threads", "1")), mode, 1, 3, 1, 64, 1);
    }

    @Test
    void trainingBenchmarkReportsTheIssueFields() throws Exception {
        TransformerConfig config = new TransformerConfig(1, 16, 2, 32, 64, 16, 1, AttentionKind.CAUSAL, 0.1, 0.1, 1e-5, 0.02);
        BenchResult r = OnnxBenchmark.run("toy", config, new FakeTokenObjective(AttentionKind.CAUSAL), options(BenchOptions.Mode.TRAIN));
        JsonNode json = new ObjectMapper().readTree(r.toJson());
        for (String key : new String[] {"preset", "objective", "batch", "seq", "vocab", "threads", "dropout", "tokens_per_second", "tokens_per_second_min",
                "tokens_per_second_max", "ms_per_step", "model_gflops_per_second", "gemm_gflops_per_second", "mfu", "peak_rss_mb"}) {
            assertThat(json.has(key)).as(key).isTrue();
        }
        assertThat(r.tokensPerSecondMin()).isLessThanOrEqualTo(r.tokensPerSecond()).isPositive();
        assertThat(r.tokensPerSecondMax()).isGreaterThanOrEqualTo(r.tokensPerSecond());
        assertThat(r.msPerStep()).isCloseTo(1000.0 * 16 / r.tokensPerSecond(), org.assertj.core.api.Assertions.within(1e-6));
        assertThat(r.mfu()).isCloseTo(r.modelGflopsPerSecond() / r.gemmGflopsPerSecond(), org.assertj.core.api.Assertions.within(1e-9));
        // 6 N + 12 L H S + 6 H V (a decoder projects every position).
        assertThat(r.modelFlopsPerToken()).isEqualTo(6.0 * r.nonEmbeddingParameters() + 12.0 * 16 * 8 + 6.0 * 16 * 64);
        assertThat(json.path("objective").asText()).isEqualTo("fake-next-token");
        assertThat(r.peakRssMb()).isPositive();
    }

    @Test
    void inferenceBenchmarkRunsTheExportedGraph() {
        TransformerConfig config = new TransformerConfig(1, 16, 2, 32, 64, 16, 2, AttentionKind.BIDIRECTIONAL, 0.1, 0.1, 1e-12, 0.02);
        BenchResult r = OnnxBenchmark.run("toy", config, new FakeTokenObjective(AttentionKind.BIDIRECTIONAL), options(BenchOptions.Mode.INFER));
        assertThat(r.mode()).isEqualTo("infer");
        assertThat(r.tokensPerSecond()).isPositive();
        assertThat(r.modelFlopsPerToken()).isEqualTo((6.0 * r.nonEmbeddingParameters() + 12.0 * 16 * 8 + 6.0 * 16 * 64) / 3);
    }
}

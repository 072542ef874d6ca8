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

    @Test
    void evaluationBenchmarkTimesForwardAndLossOnly() {
        TransformerConfig config = new TransformerConfig(1, 16, 2, 32, 64, 16, 2, AttentionKind.BIDIRECTIONAL, 0.1, 0.1, 1e-12, 0.02);
        BenchResult r = OnnxBenchmark.run("toy", config, new FakeTokenObjective(AttentionKind.BIDIRECTIONAL), options(BenchOptions.Mode.EVAL));
        assertThat(r.mode()).isEqualTo("eval");
        assertThat(r.tokensPerSecond()).isPositive();
        assertThat(r.modelFlopsPerToken()).isEqualTo((6.0 * r.nonEmbeddingParameters() + 12.0 * 16 * 8 + 6.0 * 16 * 64 * r.projectedFraction()) / 3);
    }

    @Test
    void theReferenceGetsEverySizeExplicitly() {
        TransformerConfig mini = TransformerConfig.preset(TransformerConfig.Preset.MINI, 8192, 128, AttentionKind.BIDIRECTIONAL).withDropout(0.1, 0.1);
        assertThat(String.join(" ", TorchReference.arguments(mini, "mlm+nsp", true, 32, 128, 2, 3, 3, 5))).isEqualTo(
                "--config bert-mini --objective mlm_nsp --mode train --L 4 --H 256 --A 4 --V 8192 --T 128 --B 32 --threads 2 --dropout 0.1"
                        + " --warmup 3 --steps 5 --windows 3 --max-windows 3");
        TransformerConfig medium = TransformerConfig.preset(TransformerConfig.Preset.MEDIUM, 8192, 128, AttentionKind.CAUSAL);
        assertThat(TorchReference.arguments(medium, "clm", false, 16, 128, 2, 1, 3, 2)).containsSubsequence("--config", "gpt-mini")
                .containsSubsequence("--mode", "infer").containsSubsequence("--L", "8").containsSubsequence("--H", "512").containsSubsequence("--A", "8");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TorchReference.arguments(medium, "mlm", true, 16, 128, 2, 1, 3, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not fit");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TorchReference.arguments(mini.withDropout(0.1, 0.0), "mlm", true, 16, 128, 2, 1, 3, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one dropout rate");
    }

    @Test
    void theReferenceScriptShipsInTheJarUnchanged() throws Exception {
        try (var in = TorchReference.class.getResourceAsStream(TorchReference.SCRIPT_RESOURCE)) {
            String script = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(script).contains("def build(torch, nn, F, p_drop=0.0):").contains("tok_s_median_all_windows");
        }
    }
}

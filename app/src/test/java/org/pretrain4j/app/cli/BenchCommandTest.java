package org.pretrain4j.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
    void compareTorchAlternatesRoundsAndPrintsBothMediansAndTheirRatio(@TempDir Path dir) throws Exception {
        // A stand-in for the reference: records its options, prints a line of the script's JSON.
        Path args = dir.resolve("args.txt");
        Path fake = dir.resolve("torch_lm.sh");
        Files.writeString(fake, "echo \"$@\" >> '" + args + "'\n"
                + "echo '# a comment line'\n"
                + "echo '{\"tok_s_median\": 999.0, \"tok_s_median_all_windows\": 100.0, \"B\": 2, \"T\": 16, \"torch\": \"1.13.0a0\", "
                + "\"blas\": \"openblas\", \"malloc\": \"tcmalloc\", \"sgemm2048_gflops_before\": 300.0, \"sgemm2048_gflops_after\": 320.0}'\n");
        CommandRun r = CommandRun.of("bench", "--compare-torch", "--torch-python", "/bin/sh", "--torch-script", fake.toString(),
                "--torch-args", "--blas system", "--rounds", "2", "--preset", "tiny", "--objective", "clm", "--batch", "2", "--seq", "16",
                "--vocab", "300", "--threads", "1", "--dropout", "0", "--warmup", "1", "--steps-per-window", "1", "--json");

        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode result = new ObjectMapper().readTree(r.out());
        assertThat(result.path("rounds").asInt()).isEqualTo(2);
        // The median over every window (all_windows), not the script's clean-window median.
        assertThat(result.path("pytorch").path("tokens_per_second").asDouble()).isEqualTo(100.0);
        assertThat(result.path("pytorch").path("rounds_tokens_per_second")).hasSize(2);
        assertThat(result.path("pytorch").path("gemm_gflops_per_second").get(0).asDouble()).isEqualTo(310.0);
        double ours = result.path("pretrain4j").path("tokens_per_second").asDouble();
        assertThat(result.path("pretrain4j").path("rounds_tokens_per_second")).hasSize(2);
        assertThat(result.path("ratio").asDouble()).isCloseTo(ours / 100.0, within(0.001 * ours / 100.0 + 1e-3));
        assertThat(result.path("pytorch").path("mfu").asDouble() / result.path("pretrain4j").path("mfu").asDouble())
                .isCloseTo(100.0 / ours, within(0.01));
        List<String> lines = Files.readAllLines(args);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).contains("--config gpt-mini", "--objective clm", "--mode train", "--L 2", "--H 128", "--A 2", "--V 300",
                "--T 16", "--B 2", "--threads 1", "--dropout 0.0", "--warmup 1", "--steps 1", "--windows 3", "--max-windows 3", "--blas system");
    }

    @Test
    void compareTorchInferTimesTheEvaluationStepAgainstTheReferenceForward(@TempDir Path dir) throws Exception {
        Path args = dir.resolve("args.txt");
        Path fake = dir.resolve("torch_lm.sh");
        Files.writeString(fake, "echo \"$@\" >> '" + args + "'\n"
                + "echo '{\"tok_s_median_all_windows\": 50.0, \"B\": 2, \"T\": 16, \"torch\": \"2.13\", \"blas\": \"system\", \"malloc\": \"glibc\"}'\n");
        CommandRun r = CommandRun.of("bench", "--compare-torch", "--torch-python", "/bin/sh", "--torch-script", fake.toString(),
                "--rounds", "1", "--preset", "tiny", "--objective", "mlm", "--mode", "infer", "--batch", "2", "--seq", "16",
                "--vocab", "300", "--threads", "1", "--dropout", "0.1", "--warmup", "1", "--steps-per-window", "1", "--json");

        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode result = new ObjectMapper().readTree(r.out());
        assertThat(result.path("mode").asText()).isEqualTo("infer");
        assertThat(result.path("timed").asText()).contains("evaluation step");
        assertThat(result.path("dropout").asDouble()).isEqualTo(0.1);
        assertThat(result.path("pytorch").has("gemm_gflops_per_second")).isFalse();
        assertThat(Files.readString(args)).contains("--config bert-mini", "--objective mlm", "--mode infer", "--dropout 0.1");
    }

    @Test
    void compareTorchRefusesWhatTheReferenceCannotRun() {
        CommandRun sop = CommandRun.of("bench", "--compare-torch", "--objective", "mlm+sop");
        CommandRun python = CommandRun.of("bench", "--compare-torch", "--torch-script", "/no/such/torch_lm.py");

        assertThat(sop.exitCode()).as(sop.err()).isEqualTo(2);
        assertThat(sop.err()).contains("--compare-torch").contains("mlm+sop");
        assertThat(python.exitCode()).isEqualTo(2);
        assertThat(python.err()).contains("--torch-script");
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

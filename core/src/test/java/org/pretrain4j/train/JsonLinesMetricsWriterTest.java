package org.pretrain4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class JsonLinesMetricsWriterTest {
    @TempDir
    Path dir;

    private static final TrainerConfig CONFIG = TrainerConfig.builder().steps(10).logEvery(4).build();

    private static StepRecord step(long n, double gradientNorm) {
        return new StepRecord(n, 10, 0.001 * n, 2.0 / n, Map.of("masked_lm", 1.5 / n), Map.of("masked_lm_accuracy", 0.1 * n),
                gradientNorm, 32, 4096, 0.5, new DataPosition(0, 32 * n));
    }

    private static TrainingStart start(long step) {
        return new TrainingStart(CONFIG, Path.of("run"), step, Optional.empty(), 2);
    }

    @Test
    void writesEveryLogEveryStepTheLastStepAndEveryEvaluation() {
        JsonLinesMetricsWriter w = new JsonLinesMetricsWriter(dir);
        w.onStart(start(0));
        for (long n = 1; n <= 10; n++) {
            w.onStep(step(n, 1.0));
        }
        w.onEvaluation(new EvalRecord(10, 1.25, Map.of("masked_lm", 1.25), Map.of("masked_lm_accuracy", 0.4), 3, 96, 12288, 0.7));
        w.onFinish(new TrainingResult(10, true, Optional.empty(), Optional.empty(), Optional.empty(), 1));

        List<JsonNode> lines = JsonLinesMetricsWriter.read(dir.resolve("metrics.jsonl"));
        assertThat(lines).extracting(n -> n.get("type").asText() + "@" + n.get("step").asLong())
                .containsExactly("train@4", "train@8", "train@10", "eval@10");
        JsonNode four = lines.get(0);
        assertThat(four.get("learning_rate").asDouble()).isEqualTo(0.004);
        assertThat(four.get("losses").get("masked_lm").asDouble()).isEqualTo(1.5 / 4);
        assertThat(four.get("metrics").get("masked_lm_accuracy").asDouble()).isEqualTo(0.4);
        assertThat(four.get("tokens_per_second").asDouble()).isEqualTo(8192.0);
        assertThat(four.get("example").asLong()).isEqualTo(128);
        assertThat(lines.get(3).get("metrics").get("masked_lm_accuracy").asDouble()).isEqualTo(0.4);
    }

    @Test
    void nonFiniteValuesAreWrittenAsNullSoTheLineStaysJson() throws Exception {
        JsonLinesMetricsWriter w = new JsonLinesMetricsWriter(dir);
        w.onStart(start(0));
        w.onStep(step(4, Double.NaN));
        w.close();
        String line = Files.readAllLines(dir.resolve("metrics.jsonl")).get(0);
        assertThat(line).contains("\"gradient_norm\":null").doesNotContain("NaN");
    }

    @Test
    void aResumedRunKeepsTheRecordsUpToItsCheckpointAndDropsACutLine() throws Exception {
        JsonLinesMetricsWriter first = new JsonLinesMetricsWriter(dir);
        first.onStart(start(0));
        for (long n = 1; n <= 9; n++) {
            first.onStep(step(n, 1.0));
        }
        first.onEvaluation(new EvalRecord(4, 1, Map.of(), Map.of(), 1, 1, 1, 0.1));
        first.close();
        Files.writeString(dir.resolve("metrics.jsonl"), "{\"type\":\"train\",\"step\":", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        JsonLinesMetricsWriter resumed = new JsonLinesMetricsWriter(dir);
        resumed.onStart(start(4));
        for (long n = 5; n <= 10; n++) {
            resumed.onStep(step(n, 1.0));
        }
        resumed.close();
        assertThat(JsonLinesMetricsWriter.read(dir.resolve("metrics.jsonl")))
                .extracting(n -> n.get("type").asText() + "@" + n.get("step").asLong())
                .containsExactly("train@4", "eval@4", "train@8", "train@10");

        JsonLinesMetricsWriter fresh = new JsonLinesMetricsWriter(dir);
        fresh.onStart(start(0));
        fresh.close();
        assertThat(Files.size(dir.resolve("metrics.jsonl"))).isZero();
    }

    @Test
    void aFullDiskNamesItsCauseAndLeavesNoPartialLine() throws Exception {
        // Room for the first record and about half of the second.
        long[] firstLine = new long[1];
        JsonLinesMetricsWriter probe = new JsonLinesMetricsWriter(dir.resolve("probe"));
        probe.onStart(start(0));
        probe.onStep(step(4, 1.0));
        probe.close();
        firstLine[0] = Files.size(probe.file());
        JsonLinesMetricsWriter w = new JsonLinesMetricsWriter(dir,
                (file, options) -> new FullDiskChannel(java.nio.channels.FileChannel.open(file, options), firstLine[0] + firstLine[0] / 2));
        w.onStart(start(0));
        w.onStep(step(4, 1.0));

        assertThatThrownBy(() -> w.onStep(step(8, 1.0)))
                .hasMessageContaining("Cannot write metrics file " + dir.resolve(JsonLinesMetricsWriter.FILE_NAME))
                .hasMessageContaining("No space left on device");
        w.onFailure(new IllegalStateException("the run stops"));

        List<String> lines = Files.readAllLines(w.file());
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).startsWith("{").endsWith("}").contains("\"step\":4");
        assertThat(Files.size(w.file())).as("cut back to the end of the first line")
                .isEqualTo(lines.get(0).getBytes(StandardCharsets.UTF_8).length + 1L);
    }
}

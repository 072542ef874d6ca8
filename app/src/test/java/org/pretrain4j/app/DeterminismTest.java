package org.pretrain4j.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pretrain4j.app.testing.CommandRun;
import org.pretrain4j.app.testing.TestCorpus;
import org.pretrain4j.train.JsonLinesMetricsWriter;

/**
 * What the README and {@code train --help} promise: two runs with the same configuration and seed
 * on the same machine give bit-identical losses with several threads too, not only with one.
 */
final class DeterminismTest {
    private static List<String> run(Path corpus, Path dir, String objective) {
        CommandRun r = CommandRun.of("train", "--corpus", corpus.toString(), "--objective", objective, "--preset", "tiny",
                "--vocab-size", "1000", "--steps", "6", "--batch-size", "32", "--seq", "128", "--eval-every", "3", "--eval-batches", "2",
                "--log-every", "1", "--threads", "4", "--validation-fraction", "0.1", "--run-dir", dir.toString(), "--no-export");
        assertThat(r.exitCode()).as(r.err()).isZero();
        return JsonLinesMetricsWriter.read(dir.resolve(JsonLinesMetricsWriter.FILE_NAME)).stream()
                .map(record -> record.path("type").asText() + " " + record.path("step").asLong() + " " + bits(record.path("loss")))
                .toList();
    }

    private static String bits(JsonNode loss) {
        return Long.toHexString(Double.doubleToLongBits(loss.asDouble()));
    }

    @Test
    void twoIdenticalRunsWithSeveralThreadsGiveIdenticalLosses(@TempDir Path temp) throws Exception {
        Path corpus = TestCorpus.write(temp.resolve("corpus.txt"), 400, 9);
        for (String objective : List.of("mlm", "clm")) {
            List<String> first = run(corpus, temp.resolve(objective + "-1"), objective);
            List<String> second = run(corpus, temp.resolve(objective + "-2"), objective);
            assertThat(first).hasSize(8);
            assertThat(second).as(objective).containsExactlyElementsOf(first);
        }
    }
}

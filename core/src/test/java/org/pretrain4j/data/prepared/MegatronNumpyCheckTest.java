package org.pretrain4j.data.prepared;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pretrain4j.data.Corpus;
import org.pretrain4j.text.Tokenizer;
import org.pretrain4j.text.WordPieceTrainer;

/**
 * Megatron-LM compatibility: a shard pretrain4j writes, read by numpy as Megatron's
 * {@code indexed_dataset.py} reads it (src/test/python/megatron_idx_check.py), gives the same token ids
 * per sentence and document. The interpreter is {@code $PYTHON} or {@code python3} with numpy;
 * without it the test fails with the command that installs it.
 */
final class MegatronNumpyCheckTest {
    static final Path SCRIPT = Path.of("src", "test", "python", "megatron_idx_check.py").toAbsolutePath();

    @Test
    void numpyReadsTheIdsPretrain4jWrote(@TempDir Path dir) throws IOException, InterruptedException {
        Corpus corpus = PreparedFixtures.corpus(PreparedFixtures.writeCorpus(dir, 30));
        Tokenizer tokenizer = WordPieceTrainer.train(corpus.sentences(), WordPieceTrainer.Options.of(800));
        DatasetPreparation.prepare(corpus, tokenizer, dir.resolve("set"), 8_000, t -> {});
        PreparedDataset set = PreparedDataset.open(dir.resolve("set"));
        assertThat(set.shards()).hasSizeGreaterThan(1);

        String python = System.getenv().getOrDefault("PYTHON", "python3");
        Result probe = run(List.of(python, "-c", "import numpy"));
        assertThat(probe.exit()).as("this check needs %s with numpy: run 'pip install numpy' or scripts/install-test-prerequisites "
                + "(set PYTHON for another interpreter). %s", python, probe.err()).isZero();

        List<String> command = new ArrayList<>(List.of(python, SCRIPT.toString()));
        set.shards().forEach(s -> command.add(s.prefix().toString()));
        Result r = run(command);
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode all = new ObjectMapper().readTree(r.out());
        for (IndexedShard shard : set.shards()) {
            JsonNode json = all.get(shard.prefix().toString());
            assertThat(json.get("dtype").asText()).isEqualTo("uint16");
            JsonNode documents = json.get("documents");
            assertThat((long) documents.size()).isEqualTo(shard.documents());
            for (int d = 0; d < documents.size(); d++) {
                int[][] expected = shard.document(d).sentences();
                List<int[]> actual = new ArrayList<>();
                for (JsonNode sentence : documents.get(d)) {
                    int[] ids = new int[sentence.size()];
                    for (int k = 0; k < ids.length; k++) {
                        ids[k] = sentence.get(k).asInt();
                    }
                    actual.add(ids);
                }
                assertThat(actual.toArray(new int[0][])).as(shard.prefix() + " document " + d).isDeepEqualTo(expected);
            }
        }
        // And the ids are the tokenizer's ids of the text: the first sentence of the corpus, encoded directly.
        String first = corpus.sentences().iterator().next();
        assertThat(set.shards().get(0).sequence(0)).containsExactly(tokenizer.encode(first).ids());
    }

    record Result(int exit, String out, String err) {
    }

    static Result run(List<String> command) throws IOException, InterruptedException {
        Path err = Files.createTempFile("numpy-check", ".err");
        try {
            Process p;
            try {
                p = new ProcessBuilder(command).redirectError(err.toFile()).start();
            } catch (IOException e) {
                return new Result(127, "", command.get(0) + " cannot be started: " + e.getMessage());
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " timed out");
            }
            return new Result(p.exitValue(), out, Files.readString(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }
}

package org.pretrain4j.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pretrain4j.app.testing.CommandRun;
import org.pretrain4j.app.testing.TestCorpus;

/** {@code prepare} and {@code train --dataset}: a run on the prepared shards is the run on the text. */
final class PrepareCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path temp;
    static Path corpus;
    static Path tokenizer;
    static Path dataset;

    @BeforeAll
    static void prepare() throws IOException {
        corpus = TestCorpus.write(temp.resolve("corpus.txt"), 60, 5);
        tokenizer = temp.resolve("tokenizer.json");
        CommandRun t = CommandRun.of("tokenizer", "train", "--corpus", corpus.toString(), "--vocab-size", "200", "--output",
                tokenizer.toString());
        assertThat(t.exitCode()).as(t.err()).isZero();
        dataset = temp.resolve("dataset");
        CommandRun p = CommandRun.of("prepare", "--corpus", corpus.toString(), "--tokenizer", tokenizer.toString(), "--output",
                dataset.toString());
        assertThat(p.exitCode()).as(p.err()).isZero();
        assertThat(p.out()).contains("Prepared 60 documents").contains("train --dataset " + dataset);
    }

    static String[] train(Path run, String... data) {
        List<String> a = new ArrayList<>(List.of("train", "--run-dir", run.toString(), "--preset", "tiny", "--batch-size", "4", "--seq", "32",
                "--eval-every", "2", "--eval-batches", "2", "--log-every", "1", "--threads", "1", "--validation-fraction",
                "0.1", "--dropout", "0", "--seed", "11", "--no-export"));
        a.addAll(List.of(data));
        if (!a.contains("--steps")) {
            a.addAll(List.of("--steps", "4"));
        }
        return a.toArray(String[]::new);
    }

    /** Loss and metrics of every logged step and evaluation, without timings. */
    static List<String> losses(Path run) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            JsonNode n = JSON.readTree(line);
            StringBuilder row = new StringBuilder();
            n.fields().forEachRemaining(e -> {
                String k = e.getKey();
                if (!k.contains("second") && !k.contains("time") && !k.contains("elapsed") && !k.contains("eta")) {
                    row.append(k).append('=').append(e.getValue()).append(' ');
                }
            });
            out.add(row.toString());
        }
        return out;
    }

    @Test
    void trainingOnTheDatasetRepeatsTrainingOnTheText() throws IOException {
        Path fromText = temp.resolve("run-text");
        Path fromShards = temp.resolve("run-shards");
        CommandRun a = CommandRun.of(train(fromText, "--corpus", corpus.toString(), "--tokenizer", tokenizer.toString()));
        assertThat(a.exitCode()).as(a.err()).isZero();
        CommandRun b = CommandRun.of(train(fromShards, "--dataset", dataset.toString()));
        assertThat(b.exitCode()).as(b.err()).isZero();
        List<String> expected = losses(fromText);
        assertThat(expected).hasSizeGreaterThanOrEqualTo(4);
        assertThat(expected.toString()).contains("loss=").contains("next_sentence_accuracy");
        assertThat(losses(fromShards)).isEqualTo(expected);
        assertThat(JSON.readTree(fromShards.resolve("tokenizer.json").toFile())).isEqualTo(JSON.readTree(dataset.resolve("tokenizer.json").toFile()));
    }

    @Test
    void aRunOnTheDatasetResumesExactly() throws IOException {
        Path whole = temp.resolve("run-whole");
        CommandRun a = CommandRun.of(train(whole, "--dataset", dataset.toString(), "--steps", "6", "--checkpoint-every", "3"));
        assertThat(a.exitCode()).as(a.err()).isZero();
        // The same run stopped after its step-3 checkpoint: drop the newer checkpoint and the lines after step 3.
        Path cut = temp.resolve("run-cut");
        Files.createDirectories(cut.resolve("checkpoints"));
        try (var files = Files.walk(whole)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path rel = whole.relativize(f);
                if (!rel.toString().isEmpty() && !rel.startsWith(Path.of("checkpoints", "step-00000006")) && !Files.isDirectory(f)) {
                    Files.createDirectories(cut.resolve(rel).getParent());
                    Files.copy(f, cut.resolve(rel));
                }
            }
        }
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(whole.resolve("metrics.jsonl"))) {
            if (JSON.readTree(line).path("step").asInt() <= 3) {
                lines.add(line);
            }
        }
        Files.write(cut.resolve("metrics.jsonl"), lines);
        CommandRun r = CommandRun.of("resume", "--run-dir", cut.toString(), "--no-export");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(losses(cut)).isEqualTo(losses(whole));
    }

    @Test
    void theLibraryTrainsWholeWordMaskingFromTheDatasetAsFromTheText() throws IOException {
        // Whole-word masking reads the word starts, which the shards keep in their .wst files.
        org.pretrain4j.app.run.RunResult fromText = library(temp.resolve("lib-text")).corpus(corpus).tokenizer(tokenizer).build()
                .trainWithoutExport();
        org.pretrain4j.app.run.RunResult fromShards = library(temp.resolve("lib-shards")).dataset(dataset).build().trainWithoutExport();
        assertThat(fromShards.steps()).isEqualTo(3);
        assertThat(losses(temp.resolve("lib-shards"))).isEqualTo(losses(temp.resolve("lib-text")));
        assertThat(fromText.steps()).isEqualTo(3);
    }

    static org.pretrain4j.app.PreTraining.Builder library(Path run) {
        return org.pretrain4j.app.PreTraining.builder().objectives("mlm").property("mlm.strategy", "whole-word")
                .property("mlm.strategy.rate", "0.3").preset("tiny").steps(3).batchSize(4).sequenceLength(32).threads(1).seed(5)
                .set("dropout", 0.0).set("log-every", 1).set("eval-every", 3).set("eval-batches", 1).set("validation-fraction", 0.1)
                .runDirectory(run).quiet();
    }

    @Test
    void anotherTokenizerThanTheDatasetsFailsNamingTheManifest() throws IOException {
        Path other = temp.resolve("other.json");
        CommandRun t = CommandRun.of("tokenizer", "train", "--corpus", corpus.toString(), "--vocab-size", "150", "--output", other.toString());
        assertThat(t.exitCode()).as(t.err()).isZero();
        CommandRun r = CommandRun.of(train(temp.resolve("run-other"), "--dataset", dataset.toString(), "--tokenizer", other.toString()));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("error: --dataset: --tokenizer " + other).contains(dataset.resolve("manifest.json").toString())
                .doesNotContain("\tat ");
    }

    @Test
    void aTruncatedShardFailsNamingTheFile() throws IOException {
        Path copy = Files.createDirectory(temp.resolve("truncated"));
        try (var files = Files.list(dataset)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        Path bin = copy.resolve("shard-00000.bin");
        byte[] bytes = Files.readAllBytes(bin);
        Files.write(bin, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        CommandRun r = CommandRun.of(train(temp.resolve("run-truncated"), "--dataset", copy.toString()));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).contains(bin.toString()).contains("truncated").doesNotContain("\tat ");
    }

    @Test
    void sparkWithoutTheModuleSaysWhichJarToAdd() {
        CommandRun r = CommandRun.of("prepare", "--engine", "spark", "--corpus", corpus.toString(), "--tokenizer", tokenizer.toString(),
                "--output", temp.resolve("spark").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("unknown engine 'spark'. Available: [local]").contains("data-spark");
    }

    @Test
    void tokenizerTrainingOnSparkWithoutTheModuleSaysWhichJarToAdd() {
        Path out = temp.resolve("spark-tokenizer.json");
        CommandRun r = CommandRun.of("tokenizer", "train", "--engine", "spark", "--corpus", corpus.toString(), "--vocab-size", "200",
                "--output", out.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--engine: unknown engine 'spark'. Available: [local]").contains("data-spark");
        assertThat(out).doesNotExist();
    }

    @Test
    void theLocalEngineTrainsTheTokenizerOfTokenizerTrain() throws IOException {
        // --engine local by name goes through the same trainer as the default path, so the files are equal byte for byte.
        Path out = temp.resolve("local-tokenizer.json");
        CommandRun r = CommandRun.of("tokenizer", "train", "--engine", "local", "--corpus", corpus.toString(), "--vocab-size", "200",
                "--output", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(tokenizer));
        org.pretrain4j.data.prepared.TokenizerTrainingRequest request = new org.pretrain4j.data.prepared.TokenizerTrainingRequest(
                corpus.toString(), "auto", "text", "wordpiece", 200, true, java.util.Map.of());
        Path viaEngine = temp.resolve("engine-tokenizer.json");
        new org.pretrain4j.data.prepared.LocalPreparationEngine().trainTokenizer(request).save(viaEngine);
        assertThat(Files.readAllBytes(viaEngine)).isEqualTo(Files.readAllBytes(tokenizer));
    }

    @Test
    void badEngineOptionValuesNameTheOption() {
        Path out = temp.resolve("bad-tokenizer.json");
        CommandRun unknown = CommandRun.of("tokenizer", "train", "--engine", "flink", "--corpus", corpus.toString(), "--output", out.toString());
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("--engine: unknown engine 'flink'");
        CommandRun split = CommandRun.of("tokenizer", "train", "--engine", "spark", "--split-size", "0", "--corpus", corpus.toString(),
                "--output", out.toString());
        assertThat(split.exitCode()).isEqualTo(2);
        assertThat(split.err()).contains("--split-size: must be at least 1 MiB, got 0");
        CommandRun vocab = CommandRun.of("tokenizer", "train", "--engine", "spark", "--vocab-size", "0", "--corpus", corpus.toString(),
                "--output", out.toString());
        assertThat(vocab.exitCode()).isEqualTo(2);
        assertThat(vocab.err()).contains("--vocab-size: must be positive, got 0");
        CommandRun type = CommandRun.of("tokenizer", "train", "--engine", "spark", "--type", "unigram", "--corpus", corpus.toString(),
                "--output", out.toString());
        assertThat(type.exitCode()).isEqualTo(2);
        assertThat(type.err()).contains("--type: 'unigram' is not wordpiece or bpe");
        CommandRun format = CommandRun.of("tokenizer", "train", "--engine", "spark", "--corpus-format", "csv", "--corpus", corpus.toString(),
                "--output", out.toString());
        assertThat(format.exitCode()).isEqualTo(2);
        assertThat(format.err()).contains("--corpus-format: unknown format 'csv'");
        CommandRun prepareSplit = CommandRun.of("prepare", "--engine", "spark", "--split-size", "-3", "--corpus", corpus.toString(),
                "--tokenizer", tokenizer.toString(), "--output", temp.resolve("never-split").toString());
        assertThat(prepareSplit.exitCode()).isEqualTo(2);
        assertThat(prepareSplit.err()).contains("--split-size: must be at least 1 MiB, got -3");
        assertThat(out).doesNotExist();
    }

    @Test
    void prepareNamesAMissingCorpusAndAnExistingOutput() {
        Path missing = temp.resolve("nowhere.txt");
        CommandRun r = CommandRun.of("prepare", "--corpus", missing.toString(), "--tokenizer", tokenizer.toString(), "--output",
                temp.resolve("never").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("error: prepare: corpus file not found: " + missing);
        assertThat(temp.resolve("never")).doesNotExist();
        CommandRun again = CommandRun.of("prepare", "--corpus", corpus.toString(), "--tokenizer", tokenizer.toString(), "--output",
                dataset.toString());
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err()).contains(dataset + " already exists and is not an empty folder");
    }

    @Test
    void bothCorpusAndDatasetIsAUsageError() {
        CommandRun r = CommandRun.of(train(temp.resolve("run-both"), "--dataset", dataset.toString(), "--corpus", corpus.toString()));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--corpus or --dataset, not both");
    }
}

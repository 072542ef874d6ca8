package org.pretrain4j.data.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pretrain4j.app.Main;
import org.pretrain4j.app.cli.Output;
import org.pretrain4j.data.Corpora;
import org.pretrain4j.data.Corpus;
import org.pretrain4j.data.CorpusException;
import org.pretrain4j.data.CorpusOptions;
import org.pretrain4j.data.Document;
import org.pretrain4j.data.DocumentReader;
import org.pretrain4j.data.SampleCorpus;
import org.pretrain4j.data.TokenizedDocument;
import org.pretrain4j.data.prepared.DatasetManifest;
import org.pretrain4j.data.prepared.DatasetPreparation;
import org.pretrain4j.data.prepared.IndexedShard;
import org.pretrain4j.data.prepared.PreparationEngine;
import org.pretrain4j.data.prepared.PreparationRequest;
import org.pretrain4j.data.prepared.PreparedDataset;
import org.pretrain4j.data.prepared.TokenizerTrainingRequest;
import org.pretrain4j.text.BpeTrainer;
import org.pretrain4j.text.Tokenizer;
import org.pretrain4j.text.WordPieceTrainer;

/**
 * Spark in local mode against the single-machine path on the same input: the same documents in the
 * same order (ids and word starts), manifest totals and tokenizer; only the shard boundaries differ.
 * One session for every test: starting Spark is the slow part.
 */
final class SparkPreparationTest {
    @TempDir
    static Path temp;
    static SparkSession spark;
    static Path input;
    static List<Document> documents = new ArrayList<>();
    static Tokenizer tokenizer;
    static Path tokenizerFile;

    @BeforeAll
    static void start() throws IOException {
        spark = SparkSession.builder().master("local[2]").appName("pretrain4j-test").config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
        try (DocumentReader reader = SampleCorpus.english().open()) {
            while (reader.hasNext() && documents.size() < 90) {
                documents.add(reader.next());
            }
        }
        // Three files in three formats: BERT text, gzipped JSON Lines, BERT text again.
        input = Files.createDirectory(temp.resolve("input"));
        writeBert(input.resolve("a.txt"), documents.subList(0, 30));
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(input.resolve("b.jsonl.gz")))) {
            out.write(jsonLines(documents.subList(30, 60)).getBytes(StandardCharsets.UTF_8));
        }
        writeBert(input.resolve("c.txt"), documents.subList(60, 90));
        tokenizer = WordPieceTrainer.train(corpus().sentences(), WordPieceTrainer.Options.of(1200));
        tokenizerFile = temp.resolve("tokenizer.json");
        tokenizer.save(tokenizerFile);
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    static Corpus corpus() {
        return Corpora.open(input.toString(), CorpusOptions.defaults());
    }

    static void writeBert(Path file, List<Document> docs) throws IOException {
        List<String> lines = new ArrayList<>();
        for (Document d : docs) {
            lines.addAll(d.sentences());
            lines.add("");
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    static String jsonLines(List<Document> docs) throws IOException {
        ObjectMapper json = new ObjectMapper();
        StringBuilder sb = new StringBuilder();
        for (Document d : docs) {
            sb.append(json.writeValueAsString(Map.of("text", String.join(" ", d.sentences())))).append('\n');
        }
        return sb.toString();
    }

    /** Every stored document, empty ones included, in dataset order. */
    static List<TokenizedDocument> stored(Path dataset) {
        List<TokenizedDocument> out = new ArrayList<>();
        for (IndexedShard shard : PreparedDataset.open(dataset).shards()) {
            for (long d = 0; d < shard.documents(); d++) {
                out.add(shard.document(d));
            }
        }
        return out;
    }

    static void assertSameDocuments(Path actual, Path expected) {
        List<TokenizedDocument> a = stored(actual);
        List<TokenizedDocument> e = stored(expected);
        assertThat(a).hasSameSizeAs(e);
        for (int d = 0; d < e.size(); d++) {
            assertThat(a.get(d).sentences()).as("document " + d).isDeepEqualTo(e.get(d).sentences());
            assertThat(a.get(d).wordStarts()).as("document " + d).isDeepEqualTo(e.get(d).wordStarts());
        }
        DatasetManifest ma = PreparedDataset.open(actual).manifest();
        DatasetManifest me = PreparedDataset.open(expected).manifest();
        assertThat(List.of(ma.documents(), ma.sentences(), ma.tokens())).isEqualTo(List.of(me.documents(), me.sentences(), me.tokens()));
        assertThat(ma.tokenizerSha256()).isEqualTo(me.tokenizerSha256());
    }

    static PreparationRequest request(String in, String format, Path output) {
        return new PreparationRequest(in, format, "text", tokenizerFile, output.toString(), 6_000, Map.of());
    }

    @Test
    void sparkWritesTheDocumentsOfTheSingleMachinePath() throws IOException {
        Path local = temp.resolve("local");
        DatasetPreparation.prepare(corpus(), tokenizer, local, 6_000, t -> {});
        Path onSpark = temp.resolve("spark");
        DatasetManifest m = SparkPreparation.prepare(spark, request(input.toString(), "auto", onSpark));
        assertThat(m.documents()).isEqualTo(90);
        assertThat(m.shards()).hasSizeGreaterThan(3);
        assertThat(m.shards().get(0).name()).startsWith("shard-00000-");
        assertSameDocuments(onSpark, local);
        assertThat(Files.readString(onSpark.resolve("tokenizer.json"))).isEqualTo(Files.readString(local.resolve("tokenizer.json")));
        try (Stream<Path> left = Files.list(temp)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".tmp-"));
        }
    }

    @Test
    void parquetRowsAreDocumentsLikeJsonLines() throws IOException {
        List<String> texts = new ArrayList<>();
        for (Document d : documents.subList(0, 40)) {
            texts.add(String.join(" ", d.sentences()));
        }
        Path parquet = temp.resolve("texts.parquet");
        spark.createDataset(texts, Encoders.STRING()).toDF("text").coalesce(2).write().parquet(parquet.toString());
        Path jsonl = Files.createDirectory(temp.resolve("jsonl")).resolve("texts.jsonl");
        Files.writeString(jsonl, jsonLines(documents.subList(0, 40)));
        Path local = temp.resolve("local-jsonl");
        DatasetPreparation.prepare(Corpora.open(jsonl.toString(), CorpusOptions.defaults()), tokenizer, local, 6_000, t -> {});
        Path onSpark = temp.resolve("spark-parquet");
        SparkPreparation.prepare(spark, request(parquet.toString(), "parquet", onSpark));
        assertSameDocuments(onSpark, local);
    }

    @Test
    void anUnreadablePartitionFailsNamingTheFileAndLeavesNothing() throws IOException {
        Path bad = Files.createDirectory(temp.resolve("bad"));
        Files.writeString(bad.resolve("a.txt"), "A fine sentence.\n\nAnother one.\n");
        Path broken = bad.resolve("b.txt");
        Files.write(broken, new byte[] {'o', 'k', '\n', (byte) 0xff, (byte) 0xfe, '\n'});
        Path out = temp.resolve("bad-out");
        assertThatThrownBy(() -> SparkPreparation.prepare(spark, request(bad.toString(), "auto", out)))
                .isInstanceOf(CorpusException.class).hasMessageContaining("b.txt").hasMessageContaining("UTF-8");
        assertThat(out).doesNotExist();
        try (Stream<Path> left = Files.list(temp)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".bad-out"));
        }
    }

    @Test
    void wordCountsOnSparkTrainTheSingleMachineTokenizers() throws IOException {
        WordPieceTrainer.Options wordPiece = WordPieceTrainer.Options.of(900);
        assertThat(json(SparkWordCounts.trainWordPiece(spark, input.toString(), "auto", "text", wordPiece)))
                .isEqualTo(json(WordPieceTrainer.train(corpus().sentences(), wordPiece)));
        BpeTrainer.Options bpe = BpeTrainer.Options.of(500);
        assertThat(json(SparkWordCounts.trainBpe(spark, input.toString(), "auto", "text", bpe)))
                .isEqualTo(json(BpeTrainer.train(corpus().sentences(), bpe)));
    }

    @Test
    void theCommandLineFindsTheSparkEngineOnTheClassPath() {
        List<String> names = new ArrayList<>();
        ServiceLoader.load(PreparationEngine.class).forEach(e -> names.add(e.name()));
        assertThat(names).contains("local", "spark");
        Path out = temp.resolve("cli");
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        // The engine joins the session this JVM already runs (as under spark-submit) instead of starting one.
        int code = Main.run(new String[] {"prepare", "--engine", "spark", "--master", "local[2]", "--corpus", input.toString(),
            "--tokenizer", tokenizerFile.toString(), "--output", out.toString(), "--shard-size", "1"},
                new Output(new PrintWriter(stdout, true), new PrintWriter(stderr, true), false));
        assertThat(code).as(stderr.toString()).isZero();
        assertThat(stdout.toString()).contains("Prepared 90 documents").contains("engine spark");
        assertThat(PreparedDataset.open(out).manifest().documents()).isEqualTo(90);
    }

    @Test
    void oneLargeTextFileIsSplitAcrossTasksAtDocumentBoundaries() throws IOException {
        // One BERT file with CRLF line endings and one JSON Lines file, each far larger than the split size.
        Path big = Files.createDirectory(temp.resolve("big"));
        Path bert = big.resolve("big.txt");
        StringBuilder text = new StringBuilder();
        for (Document d : documents) {
            text.append(String.join("\r\n", d.sentences())).append("\r\n\r\n");
        }
        Files.writeString(bert, text, StandardCharsets.UTF_8);
        Path jsonl = big.resolve("big.jsonl");
        Files.writeString(jsonl, jsonLines(documents), StandardCharsets.UTF_8);
        long splitBytes = 1_000;
        for (Path file : List.of(bert, jsonl)) {
            assertThat(Files.size(file)).isGreaterThan(10 * splitBytes);
            Path local = temp.resolve("local-" + file.getFileName());
            DatasetPreparation.prepare(Corpora.open(file.toString(), CorpusOptions.defaults()), tokenizer, local, 6_000, t -> {});
            Path onSpark = temp.resolve("spark-" + file.getFileName());
            DatasetManifest m = SparkPreparation.prepare(spark, new PreparationRequest(file.toString(), "auto", "text", tokenizerFile,
                    onSpark.toString(), 6_000, Map.of("split-bytes", String.valueOf(splitBytes))));
            assertThat(m.documents()).isEqualTo(documents.size());
            // Every split is a task: the shards come from many partitions, in order.
            assertThat(m.shards().stream().map(sh -> sh.name().substring(0, "shard-00000".length())).distinct().count())
                    .as(file.toString()).isGreaterThan(5);
            assertSameDocuments(onSpark, local);
        }
        WordPieceTrainer.Options wordPiece = WordPieceTrainer.Options.of(900);
        assertThat(json(SparkWordCounts.trainWordPiece(spark, bert.toString(), "auto", "text", wordPiece, splitBytes)))
                .isEqualTo(json(WordPieceTrainer.train(Corpora.open(bert.toString(), CorpusOptions.defaults()).sentences(), wordPiece)));
    }

    @Test
    void aBadSplitSizeOptionNamesTheOption() {
        assertThatThrownBy(() -> SparkPreparation.prepare(spark, new PreparationRequest(input.toString(), "auto", "text", tokenizerFile,
                temp.resolve("never").toString(), 6_000, Map.of("split-bytes", "lots"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("split-bytes").hasMessageContaining("--split-size")
                .hasMessageContaining("'lots'");
        assertThat(temp.resolve("never")).doesNotExist();
    }

    @Test
    void tokenizerTrainOnSparkWritesTheFileOfTokenizerTrainForBothKinds() throws IOException {
        for (String type : List.of("wordpiece", "bpe")) {
            Path onOneMachine = temp.resolve("cli-" + type + "-local.json");
            Path onSpark = temp.resolve("cli-" + type + "-spark.json");
            StringWriter err = new StringWriter();
            assertThat(cli(err, "tokenizer", "train", "--type", type, "--corpus", input.toString(), "--vocab-size", "700", "--output",
                    onOneMachine.toString())).as(err.toString()).isZero();
            StringWriter out = new StringWriter();
            assertThat(cli(out, err, "tokenizer", "train", "--engine", "spark", "--master", "local[2]", "--split-size", "1", "--type", type,
                    "--corpus", input.toString(), "--vocab-size", "700", "--output", onSpark.toString())).as(err.toString()).isZero();
            assertThat(out.toString()).contains("Wrote " + onSpark);
            assertThat(Files.readAllBytes(onSpark)).as(type).isEqualTo(Files.readAllBytes(onOneMachine));
        }
        // Through the engine found by ServiceLoader, as the command line finds it.
        PreparationEngine engine = ServiceLoader.load(PreparationEngine.class).stream().map(ServiceLoader.Provider::get)
                .filter(e -> e.name().equals("spark")).findFirst().orElseThrow();
        TokenizerTrainingRequest request = new TokenizerTrainingRequest(input.toString(), "auto", "text", "bpe", 700, true,
                Map.of("split-bytes", "2000"));
        assertThat(json(engine.trainTokenizer(request))).isEqualTo(Files.readString(temp.resolve("cli-bpe-local.json")));
    }

    @Test
    void tokenizerTrainOnSparkNamesTheBadOptionOrFile() {
        StringWriter err = new StringWriter();
        Path out = temp.resolve("never.json");
        assertThat(cli(err, "tokenizer", "train", "--engine", "spark", "--corpus", temp.resolve("nowhere").toString(), "--output",
                out.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--corpus: corpus " + temp.resolve("nowhere")).contains("not found");
        StringWriter sample = new StringWriter();
        assertThat(cli(sample, "tokenizer", "train", "--engine", "spark", "--output", out.toString())).isEqualTo(2);
        assertThat(sample.toString()).contains("--engine spark needs --corpus");
        StringWriter languages = new StringWriter();
        assertThat(cli(languages, "tokenizer", "train", "--engine", "spark", "--all-languages", "--corpus", input.toString(), "--output",
                out.toString())).isEqualTo(2);
        assertThat(languages.toString()).contains("--all-languages");
        assertThat(out).doesNotExist();
    }

    static int cli(StringWriter stderr, String... args) {
        return cli(new StringWriter(), stderr, args);
    }

    static int cli(StringWriter stdout, StringWriter stderr, String... args) {
        return Main.run(args, new Output(new PrintWriter(stdout, true), new PrintWriter(stderr, true), false));
    }

    static String json(Tokenizer t) throws IOException {
        Path f = Files.createTempFile(temp, "tok", ".json");
        t.save(f);
        return Files.readString(f);
    }
}

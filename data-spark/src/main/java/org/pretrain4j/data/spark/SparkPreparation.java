package org.pretrain4j.data.spark;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.pretrain4j.data.Corpus;
import org.pretrain4j.data.CorpusException;
import org.pretrain4j.data.CorpusOptions;
import org.pretrain4j.data.DocumentReader;
import org.pretrain4j.data.TokenizedDocument;
import org.pretrain4j.data.TokenizingReader;
import org.pretrain4j.data.prepared.DatasetManifest;
import org.pretrain4j.data.prepared.LocalPreparationEngine;
import org.pretrain4j.data.prepared.PreparationRequest;
import org.pretrain4j.data.prepared.PreparedDataset;
import org.pretrain4j.data.prepared.ShardFiles;
import org.pretrain4j.data.prepared.ShardWriter;
import org.pretrain4j.data.prepared.TokenType;
import org.pretrain4j.text.Tokenizer;

/**
 * Prepares a dataset on Spark: each partition's documents are tokenized by the task that holds them,
 * with the same {@link TokenizingReader} as one machine, and written as that partition's shards
 * ({@code shard-PPPPP-SSS}) into a hidden temporary folder beside the output on any Hadoop file
 * system; the driver then writes the tokenizer, the manifest (shards in partition order, so the
 * documents are in input order) and the marker, and renames the folder into place. A failed job
 * deletes the temporary folder. The shards hold the same documents, in the same order, as the
 * single-machine {@code prepare}: only where one shard ends and the next begins differs.
 *
 * <p>On a cluster: {@code spark-submit --class org.pretrain4j.data.spark.SparkPreparation
 * data-spark.jar --corpus PATH --tokenizer FILE --output DIR [--corpus-format F] [--text-field F]
 * [--shard-size MIB] [--split-size MIB]}, with core's jar in {@code --jars}. Uncompressed text files larger
 * than the split size (engine option {@code split-bytes}, default 128 MiB) are read by several tasks,
 * split at document boundaries ({@link TextSplits}).
 */
public final class SparkPreparation {
    /** Partitions per core for text files: enough to balance uneven files, few enough to keep shards large. */
    static final int PARTITIONS_PER_CORE = 2;

    private SparkPreparation() {
    }

    /** What a task reports for one shard it wrote. */
    record WrittenShard(int partition, int sequence, String name, long documents, long sentences, long tokens) implements Serializable {
    }

    /** Prepares {@code request} with {@code spark}; returns the committed manifest. */
    public static DatasetManifest prepare(SparkSession spark, PreparationRequest request) {
        requireNonNull(spark, "spark is null");
        requireNonNull(request, "request is null");
        if (request.input() == null) {
            throw new CorpusException("--engine spark needs --corpus (the built-in sample is for one machine)");
        }
        long splitBytes = TextSplits.splitBytes(request.options());
        Tokenizer tokenizer = LocalPreparationEngine.tokenizer(request.tokenizer());
        byte[] tokenizerJson = canonical(tokenizer);
        String sha256 = PreparedDataset.sha256(tokenizerJson);

        Configuration conf = spark.sparkContext().hadoopConfiguration();
        Path output = new Path(request.output());
        FileSystem fs;
        Path temporary;
        try {
            fs = output.getFileSystem(conf);
            output = fs.makeQualified(output);
            if (fs.exists(output) && (!fs.getFileStatus(output).isDirectory() || fs.listStatus(output).length > 0)) {
                throw new CorpusException("output " + output + " already exists and is not an empty folder; choose another or delete it");
            }
            temporary = new Path(output.getParent(), "." + output.getName() + ".tmp-" + UUID.randomUUID());
            fs.mkdirs(temporary);
        } catch (IOException e) {
            throw new CorpusException("output " + output + ": " + e.getMessage(), e);
        }
        try {
            List<WrittenShard> written = writeShards(spark, request, tokenizerJson, sha256, tokenizer.vocabularySize(), temporary,
                    splitBytes);
            written.sort(Comparator.comparingInt(WrittenShard::partition).thenComparingInt(WrittenShard::sequence));
            List<DatasetManifest.Shard> shards = new ArrayList<>();
            for (WrittenShard w : written) {
                shards.add(new DatasetManifest.Shard(w.name(), w.documents(), w.sentences(), w.tokens()));
            }
            DatasetManifest manifest = DatasetManifest.of(request.input(), sha256, tokenizer.vocabularySize(), shards);
            try (OutputStream out = fs.create(new Path(temporary, ShardFiles.TOKENIZER), true)) {
                out.write(tokenizerJson);
            }
            try (OutputStream out = fs.create(new Path(temporary, ShardFiles.MANIFEST), true)) {
                manifest.write(out);
            }
            fs.create(new Path(temporary, ShardFiles.MARKER), true).close();
            if (fs.exists(output)) {
                fs.delete(output, false); // an empty folder, checked above
            }
            if (!fs.rename(temporary, output)) {
                throw new CorpusException("cannot rename " + temporary + " to " + output);
            }
            return manifest;
        } catch (IOException e) {
            deleteQuietly(fs, temporary);
            throw new CorpusException("cannot write the prepared dataset " + output + ": " + e.getMessage(), e);
        } catch (Exception e) {
            // Spark's job failure (SparkException) is a checked exception that Scala throws undeclared.
            awaitIdle(spark);
            deleteQuietly(fs, temporary);
            throw userFailure(e);
        }
    }

    private static List<WrittenShard> writeShards(SparkSession spark, PreparationRequest request, byte[] tokenizerJson, String sha256,
            int vocabularySize, Path temporary, long splitBytes) {
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<String> json = context.broadcast(new String(tokenizerJson, StandardCharsets.UTF_8));
        String format = request.format();
        String textField = request.textField();
        long maxShardBytes = request.maxShardBytes();
        String folder = temporary.toString();
        SerializableConfiguration conf = new SerializableConfiguration(spark.sparkContext().hadoopConfiguration());
        SparkInputs.Input input = SparkInputs.open(spark, request.input(), format, textField, PARTITIONS_PER_CORE, splitBytes);
        JavaRDD<WrittenShard> shards;
        if (input.files() != null) {
            shards = input.files().mapPartitionsWithIndex((partition, pieces) -> {
                CorpusOptions options = SparkInputs.options(format, textField);
                DocumentReader documents = SparkInputs.files(pieces, conf.get(), options);
                return writePartition(partition, documents, ExecutorTokenizers.get(sha256, json.value()), vocabularySize, maxShardBytes,
                        folder, conf.get());
            }, true);
        } else {
            shards = input.rows().mapPartitionsWithIndex((partition, rows) -> {
                DocumentReader documents = SparkInputs.rows(rows, partition, SparkInputs.options(format, textField));
                return writePartition(partition, documents, ExecutorTokenizers.get(sha256, json.value()), vocabularySize, maxShardBytes,
                        folder, conf.get());
            }, true);
        }
        return new ArrayList<>(shards.collect());
    }

    /** Tokenizes one partition's documents into its shards; returns what it wrote. */
    static Iterator<WrittenShard> writePartition(int partition, DocumentReader documents, Tokenizer tokenizer, int vocabularySize,
            long maxShardBytes, String folder, Configuration conf) throws IOException {
        Corpus once = new Corpus() {
            @Override
            public String name() {
                return "partition " + partition;
            }

            @Override
            public DocumentReader open() {
                return documents;
            }
        };
        List<WrittenShard> written = new ArrayList<>();
        TokenType type = TokenType.forVocabulary(vocabularySize);
        Path dir = new Path(folder);
        FileSystem fs = dir.getFileSystem(conf);
        try (TokenizingReader reader = new TokenizingReader(once, tokenizer, true)) {
            ShardWriter writer = null;
            String name = null;
            TokenizedDocument d;
            while ((d = reader.next()) != null) {
                if (writer == null) {
                    name = ShardFiles.shardName(partition, written.size());
                    writer = new ShardWriter(create(fs, new Path(dir, name + ShardFiles.DATA)),
                            create(fs, new Path(dir, name + ShardFiles.INDEX)),
                            create(fs, new Path(dir, name + ShardFiles.WORD_STARTS)), type, vocabularySize);
                }
                writer.add(d);
                if (writer.dataBytes() >= maxShardBytes) {
                    written.add(written(partition, written.size(), writer.finish(name)));
                    writer = null;
                }
            }
            if (writer != null) {
                written.add(written(partition, written.size(), writer.finish(name)));
            }
        }
        return written.iterator();
    }

    /**
     * Creates a shard file only inside the existing temporary folder: a task still running after its job
     * failed and the driver deleted the folder fails instead of creating the folder again.
     */
    private static OutputStream create(FileSystem fs, Path file) throws IOException {
        return fs.createNonRecursive(file, true, 1 << 16, fs.getDefaultReplication(file), fs.getDefaultBlockSize(file), null);
    }

    private static WrittenShard written(int partition, int sequence, DatasetManifest.Shard s) {
        return new WrittenShard(partition, sequence, s.name(), s.documents(), s.sentences(), s.tokens());
    }

    /** The tokenizer.json bytes as {@code Tokenizer.save} writes them: what the manifest's hash is of. */
    static byte[] canonical(Tokenizer tokenizer) {
        try {
            java.nio.file.Path temp = Files.createTempFile("p4j-tokenizer", ".json");
            try {
                tokenizer.save(temp);
                return Files.readAllBytes(temp);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new CorpusException("cannot write the tokenizer: " + e.getMessage(), e);
        }
    }

    /**
     * A task's failure as the user's problem: the first {@link CorpusException} in the cause chain (it
     * names the file and line), else Spark's own message.
     */
    static CorpusException userFailure(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof CorpusException ce) {
                return new CorpusException(ce.getMessage(), e);
            }
        }
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        // Spark puts a task's exception into the job's message: keep the line that names it.
        for (String line : message.split("\n")) {
            if (line.contains("CorpusException: ")) {
                return new CorpusException(line.substring(line.indexOf("CorpusException: ") + "CorpusException: ".length()).strip(), e);
            }
        }
        return new CorpusException("the Spark job failed: " + message.lines().findFirst().orElse(message), e);
    }

    /** Waits (at most a minute) until the failed job's other tasks have stopped, so none writes after the cleanup. */
    private static void awaitIdle(SparkSession spark) {
        spark.sparkContext().cancelAllJobs();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline && spark.sparkContext().statusTracker().getActiveStageIds().length > 0) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Deletes the temporary folder, retrying for a few seconds: a cancelled task can still be closing a
     * shard (and its checksum file) when the stage already reads as finished, and a recursive delete
     * that races it fails on a folder that is no longer empty.
     */
    private static void deleteQuietly(FileSystem fs, Path folder) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try {
                fs.delete(folder, true);
                if (!fs.exists(folder)) {
                    return;
                }
            } catch (IOException ignored) {
                // retried below; if it never goes, the folder is hidden and has no marker: it never reads as a dataset
            }
            if (System.nanoTime() > deadline) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** A local Spark session for embedded use ({@code prepare --engine spark --master local[*]}): no UI, few shuffle partitions. */
    public static SparkSession localSession(String master) {
        SparkConf conf = new SparkConf().setMaster(master).setAppName("pretrain4j-prepare")
                .set("spark.ui.enabled", "false")
                .set("spark.sql.shuffle.partitions", "4")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1");
        SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
        // Spark's INFO lines would bury prepare's one-line report; warnings and errors still show.
        spark.sparkContext().setLogLevel("WARN");
        return spark;
    }

    /** An option in MiB as bytes; a value that is not a positive whole number exits naming the option. */
    private static long mebibytes(Map<String, String> options, String name, long defaultMiB) {
        String value = options.getOrDefault(name, String.valueOf(defaultMiB));
        try {
            long mib = Long.parseLong(value);
            if (mib >= 1 && mib < (1L << 43)) {
                return mib << 20;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        System.err.println("error: --" + name + ": must be a whole number of MiB, at least 1, got '" + value + "'");
        System.exit(2);
        return 0;
    }

    /** spark-submit entry point; the options are those of {@code pretrain4j prepare}. */
    public static void main(String[] args) {
        Map<String, String> options = new java.util.HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                System.err.println("usage: SparkPreparation --corpus PATH --tokenizer FILE --output DIR [--corpus-format F] [--text-field F]"
                        + " [--shard-size MIB] [--split-size MIB]");
                System.exit(2);
            }
            options.put(args[i].substring(2), args[++i]);
        }
        for (String required : List.of("corpus", "tokenizer", "output")) {
            if (!options.containsKey(required)) {
                System.err.println("error: --" + required + " is required");
                System.exit(2);
            }
        }
        Map<String, String> engineOptions = new java.util.HashMap<>();
        if (options.containsKey("split-size")) {
            engineOptions.put(TextSplits.SPLIT_BYTES_OPTION, String.valueOf(mebibytes(options, "split-size", 128)));
        }
        PreparationRequest request = new PreparationRequest(options.get("corpus"), options.getOrDefault("corpus-format", "auto"),
                options.getOrDefault("text-field", "text"), java.nio.file.Path.of(options.get("tokenizer")), options.get("output"),
                mebibytes(options, "shard-size", 256), engineOptions);
        SparkSession spark = SparkSession.builder().appName("pretrain4j-prepare").getOrCreate();
        try {
            DatasetManifest m = prepare(spark, request);
            System.out.printf("Prepared %,d documents, %,d sentences, %,d tokens in %d shards into %s%n", m.documents(), m.sentences(),
                    m.tokens(), m.shards().size(), request.output());
        } catch (CorpusException e) {
            System.err.println("error: " + e.getMessage());
            spark.stop();
            System.exit(2);
        }
        spark.stop();
    }
}

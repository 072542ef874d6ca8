package org.pretrain4j.data.spark;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.pretrain4j.data.Document;
import org.pretrain4j.data.DocumentReader;
import org.pretrain4j.text.BpeTrainer;
import org.pretrain4j.text.Tokenizer;
import org.pretrain4j.text.WordPieceTrainer;
import scala.Tuple2;

/**
 * Tokenizer training at scale: the words of every sentence are counted on the cluster, each task
 * with the trainer's own pre-tokenizer ({@link WordPieceTrainer#wordSplitter}, {@link BpeTrainer#wordSplitter}),
 * the counts summed with a shuffle, and the vocabulary (WordPiece) or merges (BPE) computed on the
 * driver from the totals. The same text gives the same {@code tokenizer.json} as the single-machine
 * trainer, which counts the same words. The driver holds the word table, as one machine does.
 */
public final class SparkWordCounts {
    private SparkWordCounts() {
    }

    /** Trains a WordPiece tokenizer on the documents of {@code input} (format as {@code prepare}), splitting text files at 128 MiB. */
    public static Tokenizer trainWordPiece(SparkSession spark, String input, String format, String textField,
            WordPieceTrainer.Options options) {
        return trainWordPiece(spark, input, format, textField, options, TextSplits.DEFAULT_SPLIT_BYTES);
    }

    /** Trains a WordPiece tokenizer, reading uncompressed text files larger than {@code splitBytes} in several tasks. */
    public static Tokenizer trainWordPiece(SparkSession spark, String input, String format, String textField,
            WordPieceTrainer.Options options, long splitBytes) {
        requireNonNull(options, "options is null");
        boolean lowercase = options.lowercase();
        boolean stripAccents = options.stripAccents();
        int vocabSize = options.vocabSize();
        Map<String, Long> counts = count(spark, input, format, textField, splitBytes, () -> WordPieceTrainer.wordSplitter(
                new WordPieceTrainer.Options(vocabSize, lowercase, stripAccents, 2, 0)));
        return WordPieceTrainer.train(counts, options);
    }

    /** Trains a byte-level BPE tokenizer on the documents of {@code input}, splitting text files at 128 MiB. */
    public static Tokenizer trainBpe(SparkSession spark, String input, String format, String textField, BpeTrainer.Options options) {
        return trainBpe(spark, input, format, textField, options, TextSplits.DEFAULT_SPLIT_BYTES);
    }

    /** Trains a byte-level BPE tokenizer, reading uncompressed text files larger than {@code splitBytes} in several tasks. */
    public static Tokenizer trainBpe(SparkSession spark, String input, String format, String textField, BpeTrainer.Options options,
            long splitBytes) {
        requireNonNull(options, "options is null");
        return BpeTrainer.train(count(spark, input, format, textField, splitBytes, BpeTrainer::wordSplitter), options);
    }

    /** Makes a task's word splitter where the task runs (splitters hold tokenizers, which do not travel). */
    interface SplitterFactory extends java.io.Serializable {
        BiConsumer<String, Consumer<String>> create();
    }

    /** Word counts over every sentence of every document of {@code input}. */
    static Map<String, Long> count(SparkSession spark, String input, String format, String textField, long splitBytes,
            SplitterFactory factory) {
        TextSplits.checkSplitBytes(splitBytes);
        try {
            SerializableConfiguration conf = new SerializableConfiguration(spark.sparkContext().hadoopConfiguration());
            SparkInputs.Input in = SparkInputs.open(spark, input, format, textField, SparkPreparation.PARTITIONS_PER_CORE,
                    splitBytes);
            JavaRDD<Tuple2<String, Long>> partial;
            if (in.files() != null) {
                partial = in.files().mapPartitions(names -> countLocally(
                        SparkInputs.files(names, conf.get(), SparkInputs.options(format, textField)), factory.create()));
            } else {
                partial = in.rows().mapPartitionsWithIndex((p, rows) -> countLocally(
                        SparkInputs.rows(rows, p, SparkInputs.options(format, textField)), factory.create()), false);
            }
            JavaPairRDD<String, Long> totals = partial.mapToPair(t -> t).reduceByKey(Long::sum);
            return new HashMap<>(totals.collectAsMap());
        } catch (Exception e) {
            // Spark's job failure (SparkException) is a checked exception that Scala throws undeclared.
            throw SparkPreparation.userFailure(e);
        }
    }

    /** Counts a partition's words in a map first, so the shuffle carries each word once per partition. */
    private static Iterator<Tuple2<String, Long>> countLocally(DocumentReader documents, BiConsumer<String, Consumer<String>> splitter) {
        Map<String, long[]> local = new HashMap<>();
        Consumer<String> add = w -> local.computeIfAbsent(w, k -> new long[1])[0]++;
        try (documents) {
            while (documents.hasNext()) {
                Document d = documents.next();
                for (String sentence : d.sentences()) {
                    splitter.accept(sentence, add);
                }
            }
        }
        List<Tuple2<String, Long>> out = new ArrayList<>(local.size());
        local.forEach((w, c) -> out.add(new Tuple2<>(w, c[0])));
        return out.iterator();
    }

}

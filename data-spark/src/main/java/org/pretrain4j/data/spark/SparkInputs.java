package org.pretrain4j.data.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.pretrain4j.data.CorpusException;
import org.pretrain4j.data.CorpusFormat;
import org.pretrain4j.data.CorpusOptions;
import org.pretrain4j.data.Document;
import org.pretrain4j.data.DocumentReader;
import org.pretrain4j.data.FileCorpus;

/**
 * The documents of an input as Spark partitions, in the order one machine reads them: text files
 * (bert, text, jsonl, europarl; gzip) are listed like {@code Corpora.open} lists them, sorted, and
 * read with core's own reader, each whole by one task or, when uncompressed and larger than the split
 * size, in byte ranges whose ends move to document boundaries ({@link TextSplits}), so a document
 * never straddles two partitions; Parquet rows are documents whose text field is split like a JSON
 * Lines document's.
 */
final class SparkInputs {
    private static final List<String> TEXT_EXTENSIONS = List.of("txt", "text", "jsonl", "json", "ndjson", "tsv");

    private SparkInputs() {
    }

    /** What tasks read: pieces of text files, or Parquet rows. */
    record Input(JavaRDD<TextSplits.Piece> files, JavaRDD<Row> rows) implements Serializable {
    }

    static Input open(SparkSession spark, String input, String format, String textField, int partitionsPerCore, long splitBytes) {
        TextSplits.checkSplitBytes(splitBytes);
        if (format.equals("parquet")) {
            JavaRDD<Row> rows;
            try {
                rows = spark.read().parquet(input).select(textField).javaRDD();
            } catch (RuntimeException e) {
                throw new CorpusException("corpus " + input + ": cannot read as Parquet with a text column '" + textField + "': "
                        + e.getMessage(), e);
            }
            return new Input(null, rows);
        }
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        List<FileStatus> files = list(conf, input);
        List<TextSplits.Piece> pieces = pieces(conf, files, options(format, textField), splitBytes);
        long bytes = 0;
        for (FileStatus f : files) {
            bytes += f.getLen();
        }
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        // About one task per split size of input (as Spark's file sources plan), and at least partitionsPerCore per core.
        long wanted = Math.max((long) context.defaultParallelism() * partitionsPerCore, (bytes + splitBytes - 1) / splitBytes);
        int slices = (int) Math.max(1, Math.min(pieces.size(), Math.min(wanted, Integer.MAX_VALUE)));
        // parallelize keeps the list's order: slice i holds a contiguous run of pieces, in order.
        return new Input(context.parallelize(pieces, slices), null);
    }

    /**
     * The pieces tasks read, in input order: each file whole, except uncompressed files larger than
     * {@code splitBytes}, which split at document boundaries ({@link TextSplits}).
     */
    static List<TextSplits.Piece> pieces(Configuration conf, List<FileStatus> files, CorpusOptions options, long splitBytes) {
        List<TextSplits.Piece> pieces = new ArrayList<>();
        for (FileStatus f : files) {
            String name = f.getPath().toString();
            if (f.getLen() <= splitBytes) {
                pieces.addAll(TextSplits.pieces(name, f.getLen(), false, null, splitBytes));
                continue;
            }
            boolean gzip;
            try {
                gzip = name.toLowerCase(Locale.ROOT).endsWith(".gz") || TextSplits.isGzip(f.getPath().getFileSystem(conf), f.getPath());
            } catch (IOException e) {
                throw new CorpusException("cannot read corpus file " + name + ": " + e.getMessage(), e);
            }
            CorpusFormat format = options.format() != null ? options.format()
                    : CorpusFormat.forFile(java.nio.file.Path.of(f.getPath().getName()), CorpusFormat.BERT);
            pieces.addAll(TextSplits.pieces(name, f.getLen(), gzip, format, splitBytes));
        }
        return pieces;
    }

    /** The files of a path, folder (recursively, text files only) or glob, sorted by name; none fails naming the input. */
    static List<FileStatus> list(Configuration conf, String input) {
        try {
            Path path = new Path(input);
            FileSystem fs = path.getFileSystem(conf);
            FileStatus[] matched = fs.globStatus(path);
            if (matched == null || matched.length == 0) {
                throw new CorpusException("corpus " + input + " not found");
            }
            List<FileStatus> files = new ArrayList<>();
            for (FileStatus status : matched) {
                if (status.isDirectory()) {
                    RemoteIterator<LocatedFileStatus> it = fs.listFiles(status.getPath(), true);
                    while (it.hasNext()) {
                        LocatedFileStatus f = it.next();
                        if (f.isFile() && looksLikeText(f.getPath().getName())) {
                            files.add(f);
                        }
                    }
                } else if (!status.getPath().getName().startsWith(".")) {
                    files.add(status);
                }
            }
            if (files.isEmpty()) {
                throw new CorpusException("corpus " + input + " contains no text files (*.txt, *.text, *.jsonl, *.json, *.tsv, *.gz)");
            }
            files.sort(java.util.Comparator.comparing(f -> f.getPath().toString()));
            return files;
        } catch (IOException e) {
            throw new CorpusException("corpus " + input + ": cannot list: " + e.getMessage(), e);
        }
    }

    private static boolean looksLikeText(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.startsWith(".") || n.startsWith("_")) {
            return false;
        }
        if (n.endsWith(".gz")) {
            return true;
        }
        int dot = n.lastIndexOf('.');
        return dot < 0 || TEXT_EXTENSIONS.contains(n.substring(dot + 1));
    }

    static CorpusOptions options(String format, String textField) {
        CorpusOptions options = CorpusOptions.defaults().withJsonField(textField);
        return format.equals("auto") || format.equals("parquet") ? options : options.withFormat(CorpusFormat.parse(format));
    }

    /**
     * The documents of a task's pieces, read one at a time with core's reader; errors name the file (and,
     * past a split's first byte, the byte the split's documents start at, from which line numbers count).
     */
    static DocumentReader files(Iterator<TextSplits.Piece> pieces, Configuration conf, CorpusOptions options) {
        return new DocumentReader() {
            private DocumentReader current;

            @Override
            protected Document read() {
                while (true) {
                    if (current == null) {
                        if (!pieces.hasNext()) {
                            return null;
                        }
                        TextSplits.Piece piece = pieces.next();
                        String name = piece.file();
                        try {
                            if (piece.whole()) {
                                Path p = new Path(name);
                                current = FileCorpus.read(name, p.getFileSystem(conf).open(p), options);
                            } else {
                                TextSplits.Range range = TextSplits.open(piece, conf);
                                String display = range.from() == 0 ? name : name + " (split from byte " + range.from() + ")";
                                current = FileCorpus.read(display, range, options.withFormat(piece.format()));
                            }
                        } catch (IOException e) {
                            throw new CorpusException("cannot read corpus file " + name + ": " + e.getMessage(), e);
                        }
                    }
                    if (current.hasNext()) {
                        return current.next();
                    }
                    current.close();
                    current = null;
                }
            }

            @Override
            public void close() {
                if (current != null) {
                    current.close();
                }
            }
        };
    }

    /** The documents of a task's Parquet rows: each row's text split into paragraphs and sentences like a JSON Lines document. */
    static DocumentReader rows(Iterator<Row> rows, int partition, CorpusOptions options) {
        java.util.function.BiFunction<String, String, Document> documents = FileCorpus.textDocuments(options);
        return new DocumentReader() {
            private long index;

            @Override
            protected Document read() {
                if (!rows.hasNext()) {
                    return null;
                }
                Row row = rows.next();
                String text = row.isNullAt(0) ? "" : row.getString(0);
                String source = "partition-" + partition + ":" + index++;
                return documents.apply(source, text);
            }

            @Override
            public void close() {
            }
        };
    }
}

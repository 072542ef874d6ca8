package org.pretrain4j.data.spark;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.pretrain4j.data.CorpusFormat;

/**
 * Splits large uncompressed text files into byte ranges that tasks read in parallel, as Hadoop's
 * input splits do, with each range's ends moved to document boundaries so that every document is
 * read whole by exactly one task, in file order:
 * <ul>
 * <li>one document per line (jsonl, europarl): a range owns the lines that start inside it;</li>
 * <li>blank-line-separated documents (bert, text): a range owns the documents that follow a blank
 * line starting inside it (the range at byte 0 also owns the file's first document).</li>
 * </ul>
 * A line is blank when it holds only whitespace ({@link Character#isWhitespace(int)}, what
 * {@code String.strip} removes), as core's readers decide it; lines end at {@code \n} (a
 * {@code \r} before it is whitespace). Both range ends are found by reading forward from the range's
 * own offsets, so neighbouring tasks agree on their common boundary without talking. Gzip files do
 * not split: a task reads each whole.
 */
final class TextSplits {
    /** Spark's and Hadoop's usual split size. */
    static final long DEFAULT_SPLIT_BYTES = 128L << 20;

    /** The engine option ({@link org.pretrain4j.data.prepared.PreparationRequest#options()}) that sets the split size in bytes. */
    static final String SPLIT_BYTES_OPTION = "split-bytes";

    private TextSplits() {
    }

    /** The split size an engine's options ask for (default 128 MiB); a bad value fails naming the option. */
    static long splitBytes(java.util.Map<String, String> options) {
        String value = options.get(SPLIT_BYTES_OPTION);
        if (value == null) {
            return DEFAULT_SPLIT_BYTES;
        }
        try {
            return checkSplitBytes(Long.parseLong(value.strip()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option " + SPLIT_BYTES_OPTION + " (--split-size on the command line): not a number of bytes: '"
                    + value + "'", e);
        }
    }

    static long checkSplitBytes(long splitBytes) {
        if (splitBytes < 1) {
            throw new IllegalArgumentException("option " + SPLIT_BYTES_OPTION + " (--split-size on the command line): must be positive, got "
                    + splitBytes + " bytes");
        }
        return splitBytes;
    }

    /**
     * What one task reads: the whole file ({@code end} &lt; 0, format from the name or the options), or
     * the documents owned by bytes {@code [start, end)} of an uncompressed file in {@code format}.
     */
    record Piece(String file, long length, long start, long end, CorpusFormat format) implements Serializable {
        boolean whole() {
            return end < 0;
        }
    }

    /** The pieces of one file: itself when it is at most {@code splitBytes} long or gzipped, else ranges of {@code splitBytes}. */
    static List<Piece> pieces(String file, long length, boolean gzip, CorpusFormat format, long splitBytes) {
        if (length <= splitBytes || gzip) {
            return List.of(new Piece(file, length, 0, -1, null));
        }
        List<Piece> out = new ArrayList<>();
        for (long start = 0; start < length; start += splitBytes) {
            out.add(new Piece(file, length, start, Math.min(length, start + splitBytes), format));
        }
        return out;
    }

    /** Whether a file starts with gzip's magic bytes (core's readers detect gzip the same way). */
    static boolean isGzip(FileSystem fs, Path file) throws IOException {
        try (FSDataInputStream in = fs.open(file)) {
            int b1 = in.read();
            int b2 = in.read();
            return b1 == 0x1f && b2 == 0x8b;
        }
    }

    /** Opens the bytes of a split piece's documents: from its first boundary to the next piece's first boundary. */
    static Range open(Piece piece, Configuration conf) throws IOException {
        Path path = new Path(piece.file());
        FSDataInputStream in = path.getFileSystem(conf).open(path);
        try {
            boolean blankLines = blankLineDocuments(piece.format());
            long from = boundary(in, piece.start(), piece.length(), blankLines);
            long to = piece.end() >= piece.length() ? piece.length() : boundary(in, piece.end(), piece.length(), blankLines);
            in.seek(from);
            return new Range(in, Math.max(0, to - from), from);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /** Whether documents of {@code format} end at a blank line (else at each line's end). */
    static boolean blankLineDocuments(CorpusFormat format) {
        return format == CorpusFormat.BERT || format == CorpusFormat.TEXT;
    }

    /**
     * The first document boundary that a range starting at {@code offset} owns: {@code offset} 0 itself;
     * else the first line start at or after {@code offset} (one document per line), or the end of the
     * first blank line starting at or after {@code offset}; {@code length} when there is none.
     */
    static long boundary(FSDataInputStream file, long offset, long length, boolean blankLines) throws IOException {
        if (offset <= 0) {
            return 0;
        }
        if (offset >= length) {
            return length;
        }
        file.seek(offset - 1);
        // Not closed: closing it would close the file, which the caller still reads.
        InputStream in = new BufferedInputStream(file, 1 << 16);
        long next = offset - 1; // the offset of the next byte read
        int b;
        while ((b = in.read()) >= 0) {
            next++;
            if (b == '\n') {
                break;
            }
        }
        if (b < 0) {
            return length;
        }
        if (!blankLines) {
            return next;
        }
        BlankLine line = new BlankLine();
        while ((b = in.read()) >= 0) {
            next++;
            if (b == '\n') {
                if (line.blank()) {
                    return next;
                }
                line = new BlankLine();
            } else {
                line.add(b);
            }
        }
        return length;
    }

    /** Decides whether a line's UTF-8 bytes are all whitespace, in constant memory; invalid UTF-8 is not blank. */
    static final class BlankLine {
        private boolean blank = true;
        private int pending;
        private int codePoint;

        void add(int b) {
            if (!blank) {
                return;
            }
            if (pending > 0) {
                if ((b & 0xC0) != 0x80) {
                    blank = false;
                    return;
                }
                codePoint = codePoint << 6 | (b & 0x3F);
                if (--pending == 0 && !Character.isWhitespace(codePoint)) {
                    blank = false;
                }
            } else if (b < 0x80) {
                blank = Character.isWhitespace(b);
            } else if ((b & 0xE0) == 0xC0) {
                pending = 1;
                codePoint = b & 0x1F;
            } else if ((b & 0xF0) == 0xE0) {
                pending = 2;
                codePoint = b & 0x0F;
            } else if ((b & 0xF8) == 0xF0) {
                pending = 3;
                codePoint = b & 0x07;
            } else {
                blank = false;
            }
        }

        boolean blank() {
            return blank && pending == 0;
        }
    }

    /** At most {@code remaining} bytes of a stream; closing it closes the file. */
    static final class Range extends FilterInputStream {
        private long remaining;
        private final long from;

        Range(InputStream in, long remaining, long from) {
            super(in);
            this.remaining = remaining;
            this.from = from;
        }

        /** The file offset the range starts at. */
        long from() {
            return from;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = super.read(buffer, offset, (int) Math.min(length, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(Math.min(n, remaining));
            remaining -= skipped;
            return skipped;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(super.available(), remaining);
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }
}

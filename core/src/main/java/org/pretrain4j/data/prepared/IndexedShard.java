package org.pretrain4j.data.prepared;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.pretrain4j.data.CorpusException;
import org.pretrain4j.data.TokenizedDocument;

/**
 * One shard of a prepared dataset, memory-mapped: the {@code .idx} and {@code .bin} of Megatron-LM's
 * indexed format (see {@link ShardWriter}) and pretrain4j's {@code .wst} word-start bits. Opening
 * checks the whole index against the file sizes, so a truncated or mismatched file fails here,
 * naming it, and not in the middle of training. Immutable and thread-safe.
 */
public final class IndexedShard {
    private final Path prefix;
    private final TokenType type;
    private final MappedFile index;
    private final MappedFile data;
    private final MappedFile wordStarts;
    private final long sequences;
    private final long documents;
    private final long lengthsAt;
    private final long pointersAt;
    private final long documentIndexAt;
    private final long tokens;

    private IndexedShard(Path prefix, TokenType type, MappedFile index, MappedFile data, MappedFile wordStarts, long sequences,
            long documents, long tokens) {
        this.prefix = prefix;
        this.type = type;
        this.index = index;
        this.data = data;
        this.wordStarts = wordStarts;
        this.sequences = sequences;
        this.documents = documents;
        this.lengthsAt = ShardWriter.HEADER_BYTES;
        this.pointersAt = lengthsAt + 4 * sequences;
        this.documentIndexAt = pointersAt + 8 * sequences;
        this.tokens = tokens;
    }

    /** Opens {@code prefix}.idx/.bin/.wst, checking header, counts, offsets and file sizes. */
    public static IndexedShard open(Path prefix) {
        Path idx = sibling(prefix, ShardFiles.INDEX);
        Path bin = sibling(prefix, ShardFiles.DATA);
        Path wst = sibling(prefix, ShardFiles.WORD_STARTS);
        MappedFile index = map(idx);
        if (index.size() < ShardWriter.HEADER_BYTES) {
            throw new CorpusException(idx + ": " + index.size() + " bytes, shorter than the " + ShardWriter.HEADER_BYTES
                    + "-byte header of an indexed dataset");
        }
        for (int i = 0; i < ShardWriter.MAGIC.length; i++) {
            if (index.get(i) != ShardWriter.MAGIC[i]) {
                throw new CorpusException(idx + ": not a Megatron-LM indexed dataset index (no MMIDIDX header)");
            }
        }
        long version = index.getLong(9);
        if (version != ShardWriter.VERSION) {
            throw new CorpusException(idx + ": index version " + version + ", only version 1 is defined");
        }
        int code = index.get(17) & 0xff;
        TokenType type = TokenType.ofCode(code);
        if (type == null) {
            throw new CorpusException(idx + ": token dtype code " + code + " is not uint16 (8) or int32 (4)");
        }
        long sequences = index.getLong(18);
        long documentEntries = index.getLong(26);
        long arrays = 4 * sequences + 8 * sequences + 8 * documentEntries;
        if (sequences < 0 || documentEntries < 1 || ShardWriter.HEADER_BYTES + arrays > index.size()) {
            throw new CorpusException(idx + ": " + index.size() + " bytes, but its header declares " + sequences + " sequences and "
                    + documentEntries + " document-index entries (" + (ShardWriter.HEADER_BYTES + arrays) + " bytes); the file is truncated");
        }
        IndexedShard shard = new IndexedShard(prefix, type, index, null, null, sequences, documentEntries - 1, 0);
        long expected = shard.checkIndex(idx);
        MappedFile data = map(bin);
        if (data.size() < expected) {
            throw new CorpusException(bin + ": " + data.size() + " bytes, but its index " + idx.getFileName() + " says "
                    + expected + " (" + expected / type.bytes() + " tokens); the file is truncated");
        }
        long tokens = expected / type.bytes();
        MappedFile starts = map(wst);
        if (starts.size() < (tokens + 7) / 8) {
            throw new CorpusException(wst + ": " + starts.size() + " bytes, but " + tokens + " tokens need " + (tokens + 7) / 8
                    + "; the file is truncated");
        }
        return new IndexedShard(prefix, type, index, data, starts, sequences, documentEntries - 1, tokens);
    }

    /** Checks lengths, contiguous offsets and the document index; returns the bytes the .bin must hold. */
    private long checkIndex(Path idx) {
        long pointer = 0;
        for (long i = 0; i < sequences; i++) {
            int length = index.getInt(lengthsAt + 4 * i);
            long at = index.getLong(pointersAt + 8 * i);
            if (length < 0 || at != pointer) {
                throw new CorpusException(idx + ": sequence " + i + " has length " + length + " at byte " + at + ", expected byte "
                        + pointer + " (a corrupt index)");
            }
            pointer += (long) length * type.bytes();
        }
        long previous = 0;
        for (long d = 0; d <= documents; d++) {
            long v = index.getLong(documentIndexAt + 8 * d);
            if ((d == 0 && v != 0) || v < previous || v > sequences || (d == documents && v != sequences)) {
                throw new CorpusException(idx + ": document index entry " + d + " is " + v + ", not a valid sequence boundary of "
                        + sequences + " sequences (a corrupt index)");
            }
            previous = v;
        }
        return pointer;
    }

    private static Path sibling(Path prefix, String suffix) {
        return prefix.resolveSibling(prefix.getFileName() + suffix);
    }

    private static MappedFile map(Path file) {
        try {
            return MappedFile.map(file);
        } catch (NoSuchFileException e) {
            throw new CorpusException(file + ": missing from the prepared dataset", e);
        } catch (IOException e) {
            throw new CorpusException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** The path prefix (the shard's files without suffix). */
    public Path prefix() {
        return prefix;
    }

    public TokenType type() {
        return type;
    }

    /** Documents, including those with no sentences. */
    public long documents() {
        return documents;
    }

    /** Sequences (sentences). */
    public long sentences() {
        return sequences;
    }

    public long tokens() {
        return tokens;
    }

    /** The token ids of sequence {@code i}. */
    public int[] sequence(long i) {
        int length = index.getInt(lengthsAt + 4 * i);
        long at = index.getLong(pointersAt + 8 * i);
        int[] ids = new int[length];
        if (type == TokenType.UINT16) {
            for (int k = 0; k < length; k++) {
                ids[k] = Short.toUnsignedInt(data.getShort(at + 2L * k));
            }
        } else {
            for (int k = 0; k < length; k++) {
                ids[k] = data.getInt(at + 4L * k);
            }
        }
        return ids;
    }

    /** Document {@code d}: its sequences with their word-start flags; {@code source} names it in messages. */
    public TokenizedDocument document(long d) {
        long first = index.getLong(documentIndexAt + 8 * d);
        long end = index.getLong(documentIndexAt + 8 * (d + 1));
        int n = Math.toIntExact(end - first);
        int[][] ids = new int[n][];
        boolean[][] starts = new boolean[n][];
        for (int s = 0; s < n; s++) {
            long i = first + s;
            ids[s] = sequence(i);
            long token = index.getLong(pointersAt + 8 * i) / type.bytes();
            boolean[] flags = new boolean[ids[s].length];
            for (int k = 0; k < flags.length; k++) {
                long bit = token + k;
                flags[k] = (wordStarts.get(bit >>> 3) >>> (bit & 7) & 1) != 0;
            }
            starts[s] = flags;
        }
        return new TokenizedDocument(prefix.getFileName() + "#" + d, ids, starts);
    }

    @Override
    public String toString() {
        return "IndexedShard[" + prefix + ", " + documents + " documents, " + sequences + " sentences, " + tokens + " tokens]";
    }

}

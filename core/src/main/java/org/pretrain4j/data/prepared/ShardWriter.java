package org.pretrain4j.data.prepared;

import static java.util.Objects.requireNonNull;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.pretrain4j.data.TokenizedDocument;

/**
 * Writes one shard in Megatron-LM's indexed format, as its {@code IndexedDatasetBuilder} with
 * {@code --split-sentences} does: each sentence a sequence in the {@code .bin}, documents delimited by
 * the document index. Tokens stream to the {@code .bin}; the index (12 bytes per sentence, 8 per
 * document) is held until {@link #finish}, which bounds the memory a shard needs. The streams are
 * given, so a distributed job can write to any file system. Not thread-safe.
 *
 * <p>Index layout, little-endian: {@code "MMIDIDX\0\0"}, version u64 1, dtype code u8, sequence count
 * u64, document-index length u64 (documents + 1), sequence lengths i32[], sequence byte offsets
 * i64[], document index i64[] (0, then the sequence count after each document).
 */
public final class ShardWriter implements AutoCloseable {
    static final byte[] MAGIC = "MMIDIDX\0\0".getBytes(StandardCharsets.US_ASCII);
    static final long VERSION = 1;
    /** Bytes before the arrays: magic 9 + version 8 + dtype 1 + two counts 16. */
    static final int HEADER_BYTES = 34;

    private final OutputStream bin;
    private final OutputStream wordStarts;
    private final OutputStream index;
    private final TokenType type;
    private final int vocabularySize;
    private final ByteBuffer tokenBuffer;
    private int[] lengths = new int[1024];
    private int sequences;
    private long[] documentIndex = new long[1024];
    private int documentEntries = 1;
    private long tokens;
    private int bits;
    private int bitCount;
    private boolean finished;

    /** A shard of {@code type} tokens below {@code vocabularySize}, written to the three streams (closed by finish or close). */
    public ShardWriter(OutputStream bin, OutputStream index, OutputStream wordStarts, TokenType type, int vocabularySize) {
        this.bin = new BufferedOutputStream(requireNonNull(bin, "bin is null"), 1 << 16);
        this.index = requireNonNull(index, "index is null");
        this.wordStarts = new BufferedOutputStream(requireNonNull(wordStarts, "wordStarts is null"), 1 << 14);
        this.type = requireNonNull(type, "type is null");
        this.vocabularySize = vocabularySize;
        this.tokenBuffer = ByteBuffer.allocate(1 << 14).order(ByteOrder.LITTLE_ENDIAN);
        documentIndex[0] = 0;
    }

    /** Appends a document (possibly with no sentences: it keeps its place in the document index). */
    public void add(TokenizedDocument document) throws IOException {
        if (finished) {
            throw new IllegalStateException("shard already finished");
        }
        for (int s = 0; s < document.size(); s++) {
            int[] ids = document.sentences()[s];
            boolean[] starts = document.wordStarts()[s];
            if (ids.length == 0) {
                throw new IllegalArgumentException("document " + document.source() + " has an empty sentence");
            }
            for (int k = 0; k < ids.length; k++) {
                int id = ids[k];
                if (id < 0 || id >= vocabularySize) {
                    throw new IllegalArgumentException("token id " + id + " of " + document.source() + " is outside the vocabulary of "
                            + vocabularySize);
                }
                if (tokenBuffer.remaining() < 4) {
                    flushTokens();
                }
                if (type == TokenType.UINT16) {
                    tokenBuffer.putShort((short) id);
                } else {
                    tokenBuffer.putInt(id);
                }
                if (starts[k]) {
                    bits |= 1 << bitCount;
                }
                if (++bitCount == 8) {
                    wordStarts.write(bits);
                    bits = 0;
                    bitCount = 0;
                }
            }
            if (sequences == lengths.length) {
                lengths = Arrays.copyOf(lengths, lengths.length * 2);
            }
            lengths[sequences++] = ids.length;
            tokens += ids.length;
        }
        if (documentEntries == documentIndex.length) {
            documentIndex = Arrays.copyOf(documentIndex, documentIndex.length * 2);
        }
        documentIndex[documentEntries++] = sequences;
    }

    private void flushTokens() throws IOException {
        bin.write(tokenBuffer.array(), 0, tokenBuffer.position());
        tokenBuffer.clear();
    }

    /** Documents written so far. */
    public long documents() {
        return documentEntries - 1L;
    }

    /** Sentences (sequences) written so far. */
    public long sentences() {
        return sequences;
    }

    /** Tokens written so far. */
    public long tokens() {
        return tokens;
    }

    /** Bytes of the {@code .bin} so far. */
    public long dataBytes() {
        return tokens * type.bytes();
    }

    /** Writes the index, closes the streams and returns the shard's entry for the manifest. */
    public DatasetManifest.Shard finish(String name) throws IOException {
        if (finished) {
            throw new IllegalStateException("shard already finished");
        }
        finished = true;
        try {
            flushTokens();
            if (bitCount > 0) {
                wordStarts.write(bits);
            }
            bin.close();
            wordStarts.close();
            writeIndex();
        } finally {
            closeQuietly();
        }
        return new DatasetManifest.Shard(name, documents(), sentences(), tokens);
    }

    private void writeIndex() throws IOException {
        try (OutputStream out = new BufferedOutputStream(index, 1 << 16)) {
            ByteBuffer b = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            b.put(MAGIC).putLong(VERSION).put((byte) type.code()).putLong(sequences).putLong(documentEntries);
            for (int i = 0; i < sequences; i++) {
                b = room(out, b, 4);
                b.putInt(lengths[i]);
            }
            long pointer = 0;
            for (int i = 0; i < sequences; i++) {
                b = room(out, b, 8);
                b.putLong(pointer);
                pointer += (long) lengths[i] * type.bytes();
            }
            for (int i = 0; i < documentEntries; i++) {
                b = room(out, b, 8);
                b.putLong(documentIndex[i]);
            }
            out.write(b.array(), 0, b.position());
        }
    }

    private static ByteBuffer room(OutputStream out, ByteBuffer b, int needed) throws IOException {
        if (b.remaining() < needed) {
            out.write(b.array(), 0, b.position());
            b.clear();
        }
        return b;
    }

    private void closeQuietly() {
        for (OutputStream s : new OutputStream[] {bin, wordStarts, index}) {
            try {
                s.close();
            } catch (IOException ignored) {
                // finish already reported the first failure; close is the cleanup
            }
        }
    }

    /** Closes the streams without writing the index (an abandoned shard); a no-op after finish. */
    @Override
    public void close() {
        if (!finished) {
            finished = true;
            closeQuietly();
        }
    }
}

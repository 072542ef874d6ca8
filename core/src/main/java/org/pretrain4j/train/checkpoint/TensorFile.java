package org.pretrain4j.train.checkpoint;

import static java.util.Objects.requireNonNull;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import org.pretrain4j.graph.DType;
import org.pretrain4j.graph.HostTensor;

/**
 * The checkpoint's tensor file: named tensors in a simple binary format, little-endian throughout
 * (numpy reads the data with {@code '<f4'} / {@code '<i8'}):
 * <pre>
 * bytes 0-7   magic "P4JTENS1"
 * int32       tensor count
 * per tensor  int32 name length in bytes, the name in UTF-8,
 *             int8 dtype (1 = FLOAT32, 2 = INT64), int32 rank, int64 x rank dims,
 *             the elements row-major (4 bytes each for FLOAT32, 8 for INT64)
 * uint32      CRC32 of every byte before it
 * </pre>
 * Reading checks the magic, every length against the file size, and the CRC32, and fails with a
 * {@link CheckpointException} naming the file and what is wrong.
 */
public final class TensorFile {
    private static final byte[] MAGIC = "P4JTENS1".getBytes(StandardCharsets.US_ASCII);
    private static final byte FLOAT32 = 1;
    private static final byte INT64 = 2;
    private static final int CHUNK = 1 << 16;

    private TensorFile() {}

    /** Writes the tensors in iteration order; the caller syncs and renames the file. */
    public static void write(Path file, Map<String, HostTensor> tensors) throws IOException {
        requireNonNull(tensors, "tensors is null");
        try (OutputStream raw = Files.newOutputStream(file);
                CrcOutput out = new CrcOutput(new BufferedOutputStream(raw, CHUNK))) {
            out.write(MAGIC);
            out.writeInt(tensors.size());
            for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
                HostTensor t = e.getValue();
                byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
                out.writeInt(name.length);
                out.write(name);
                out.writeByte(t.dtype() == DType.FLOAT32 ? FLOAT32 : INT64);
                long[] shape = t.shape();
                out.writeInt(shape.length);
                for (long d : shape) {
                    out.writeLong(d);
                }
                if (t.dtype() == DType.FLOAT32) {
                    out.writeFloats(t.floats());
                } else {
                    out.writeLongs(t.longs());
                }
            }
            out.writeCrc();
        }
    }

    /** Reads every tensor, in file order; a damaged or truncated file fails naming it and the problem. */
    public static Map<String, HostTensor> read(Path file) {
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new CheckpointException("Checkpoint file " + file + " is missing");
        } catch (IOException e) {
            throw new CheckpointException("Checkpoint file " + file + " cannot be read: " + e.getMessage(), e);
        }
        try (InputStream raw = Files.newInputStream(file);
                CrcInput in = new CrcInput(new BufferedInputStream(raw, CHUNK), file, size)) {
            byte[] magic = in.readCheckedBytes(MAGIC.length, "magic");
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw damaged(file, "it does not start with the tensor-file magic \"P4JTENS1\"");
            }
            int count = in.readInt("tensor count");
            if (count < 0) {
                throw damaged(file, "negative tensor count " + count);
            }
            Map<String, HostTensor> tensors = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                int nameLength = in.readInt("name length of tensor " + i);
                in.require(nameLength, "name of tensor " + i);
                String name = new String(in.readCheckedBytes(nameLength, "name of tensor " + i), StandardCharsets.UTF_8);
                byte dtype = in.readByte("dtype of '" + name + "'");
                if (dtype != FLOAT32 && dtype != INT64) {
                    throw damaged(file, "tensor '" + name + "' has unknown dtype code " + dtype);
                }
                int rank = in.readInt("rank of '" + name + "'");
                if (rank < 0 || rank > 16) {
                    throw damaged(file, "tensor '" + name + "' has rank " + rank);
                }
                long[] shape = new long[rank];
                long elements = 1;
                for (int d = 0; d < rank; d++) {
                    shape[d] = in.readLong("shape of '" + name + "'");
                    if (shape[d] < 0) {
                        throw damaged(file, "tensor '" + name + "' has a negative dim " + shape[d]);
                    }
                    elements = Math.multiplyExact(elements, shape[d]);
                }
                long bytes = Math.multiplyExact(elements, dtype == FLOAT32 ? 4L : 8L);
                in.require(bytes, "data of '" + name + "'");
                if (elements > Integer.MAX_VALUE - 8) {
                    throw damaged(file, "tensor '" + name + "' has " + elements + " elements, more than a Java array holds");
                }
                HostTensor t = dtype == FLOAT32
                        ? HostTensor.ofFloats(shape, in.readFloats((int) elements))
                        : HostTensor.ofLongs(shape, in.readLongs((int) elements));
                if (tensors.put(name, t) != null) {
                    throw damaged(file, "tensor '" + name + "' appears twice");
                }
            }
            long computed = in.crc();
            long stored = Integer.toUnsignedLong(in.readTrailer());
            if (computed != stored) {
                throw damaged(file, String.format("CRC32 mismatch (stored %08x, computed %08x): the data was altered", stored, computed));
            }
            if (in.position() != size) {
                throw damaged(file, (size - in.position()) + " unexpected bytes after the CRC32 trailer");
            }
            return tensors;
        } catch (IOException e) {
            throw new CheckpointException("Checkpoint file " + file + " cannot be read: " + e.getMessage(), e);
        } catch (ArithmeticException e) {
            throw damaged(file, "a tensor's size overflows");
        }
    }

    static CheckpointException damaged(Path file, String why) {
        return new CheckpointException("Checkpoint file " + file + " is damaged: " + why);
    }

    /** A little-endian writer that keeps a CRC32 of everything written. */
    private static final class CrcOutput implements AutoCloseable {
        private final OutputStream out;
        private final CRC32 crc = new CRC32();
        private final ByteBuffer buffer = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);

        CrcOutput(OutputStream out) {
            this.out = out;
        }

        void write(byte[] bytes) throws IOException {
            crc.update(bytes);
            out.write(bytes);
        }

        void writeByte(byte b) throws IOException {
            write(new byte[] {b});
        }

        void writeInt(int v) throws IOException {
            write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
        }

        void writeLong(long v) throws IOException {
            write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
        }

        void writeFloats(float[] values) throws IOException {
            for (int i = 0; i < values.length; ) {
                int n = Math.min(values.length - i, CHUNK / 4);
                buffer.clear();
                buffer.asFloatBuffer().put(values, i, n);
                flushBuffer(n * 4);
                i += n;
            }
        }

        void writeLongs(long[] values) throws IOException {
            for (int i = 0; i < values.length; ) {
                int n = Math.min(values.length - i, CHUNK / 8);
                buffer.clear();
                buffer.asLongBuffer().put(values, i, n);
                flushBuffer(n * 8);
                i += n;
            }
        }

        private void flushBuffer(int bytes) throws IOException {
            crc.update(buffer.array(), 0, bytes);
            out.write(buffer.array(), 0, bytes);
        }

        void writeCrc() throws IOException {
            int value = (int) crc.getValue();
            out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array());
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    /** A little-endian reader that keeps a CRC32 and reports truncation by what it was reading. */
    private static final class CrcInput implements AutoCloseable {
        private final InputStream in;
        private final Path file;
        private final long size;
        private final CRC32 crc = new CRC32();
        private final ByteBuffer buffer = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        private long position;

        CrcInput(InputStream in, Path file, long size) {
            this.in = in;
            this.file = file;
            this.size = size;
        }

        long position() {
            return position;
        }

        long crc() {
            return crc.getValue();
        }

        /** Fails before allocating when fewer than {@code bytes} (plus the trailer) remain. */
        void require(long bytes, String what) {
            if (bytes < 0 || position + bytes + 4 > size) {
                throw damaged(file, "truncated or corrupt while reading the " + what + " at byte " + position
                        + " (needs " + bytes + " bytes, the file has " + size + ")");
            }
        }

        byte[] readBytes(int n, String what) throws IOException {
            byte[] b = new byte[n];
            int off = 0;
            while (off < n) {
                int r = in.read(b, off, n - off);
                if (r < 0) {
                    throw damaged(file, "truncated at byte " + (position + off) + " while reading the " + what
                            + " (file has " + size + " bytes)");
                }
                off += r;
            }
            position += n;
            return b;
        }

        byte[] readCheckedBytes(int n, String what) throws IOException {
            byte[] b = readBytes(n, what);
            crc.update(b);
            return b;
        }

        private ByteBuffer readChecked(int n, String what) throws IOException {
            return ByteBuffer.wrap(readCheckedBytes(n, what)).order(ByteOrder.LITTLE_ENDIAN);
        }

        byte readByte(String what) throws IOException {
            return readChecked(1, what).get();
        }

        int readInt(String what) throws IOException {
            return readChecked(4, what).getInt();
        }

        /** Reads the trailer, which is not part of its own CRC. */
        int readTrailer() throws IOException {
            return ByteBuffer.wrap(readBytes(4, "CRC32 trailer")).order(ByteOrder.LITTLE_ENDIAN).getInt();
        }

        long readLong(String what) throws IOException {
            return readChecked(8, what).getLong();
        }

        float[] readFloats(int n) throws IOException {
            float[] values = new float[n];
            for (int i = 0; i < n; ) {
                int k = Math.min(n - i, CHUNK / 4);
                fill(k * 4);
                buffer.asFloatBuffer().get(values, i, k);
                i += k;
            }
            return values;
        }

        long[] readLongs(int n) throws IOException {
            long[] values = new long[n];
            for (int i = 0; i < n; ) {
                int k = Math.min(n - i, CHUNK / 8);
                fill(k * 8);
                buffer.asLongBuffer().get(values, i, k);
                i += k;
            }
            return values;
        }

        private void fill(int bytes) throws IOException {
            buffer.clear();
            int off = 0;
            while (off < bytes) {
                int r = in.read(buffer.array(), off, bytes - off);
                if (r < 0) {
                    throw new EOFException("unexpected end of " + file);
                }
                off += r;
            }
            crc.update(buffer.array(), 0, bytes);
            position += bytes;
            buffer.limit(bytes);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}

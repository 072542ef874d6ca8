package org.pretrain4j.weights;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pretrain4j.graph.DType;
import org.pretrain4j.graph.HostTensor;

/** Writes float32 tensors as a {@code .safetensors} file that the Python safetensors library and transformers load. */
public final class SafetensorsWriter {
    private static final int CHUNK_FLOATS = 1 << 18;

    private SafetensorsWriter() {}

    /**
     * Writes float32 tensors in the given (insertion) order with optional {@code __metadata__} strings
     * (null: none), atomically: a temporary file beside {@code file} is written, fsynced and renamed.
     */
    public static void write(Path file, LinkedHashMap<String, HostTensor> tensors, Map<String, String> metadata) {
        requireNonNull(file, "file is null");
        requireNonNull(tensors, "tensors is null");
        byte[] header = header(tensors, metadata == null ? Map.of() : metadata);
        Path absolute = file.toAbsolutePath();
        Path parent = absolute.getParent();
        Path temporary = null;
        try {
            Files.createDirectories(parent);
            temporary = Files.createTempFile(parent, "." + absolute.getFileName(), ".tmp");
            try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
                writeFully(out, length);
                writeFully(out, ByteBuffer.wrap(header));
                ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK_FLOATS * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (HostTensor t : tensors.values()) {
                    float[] data = t.floats();
                    for (int from = 0; from < data.length; from += CHUNK_FLOATS) {
                        int n = Math.min(CHUNK_FLOATS, data.length - from);
                        chunk.clear();
                        chunk.asFloatBuffer().put(data, from, n);
                        chunk.limit(n * 4);
                        writeFully(out, chunk);
                    }
                }
                out.force(true);
            }
            try {
                Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
            temporary = null;
            syncDirectory(parent);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        } finally {
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException ignored) {
                    // the write failed already; that error is the one to report
                }
            }
        }
    }

    /** The JSON header, padded with spaces to a multiple of 8 bytes so that the data is aligned, as the Python writer does. */
    private static byte[] header(Map<String, HostTensor> tensors, Map<String, String> metadata) {
        Map<String, Object> root = new LinkedHashMap<>();
        if (!metadata.isEmpty()) {
            root.put("__metadata__", new LinkedHashMap<>(metadata));
        }
        long offset = 0;
        for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
            String name = requireNonNull(e.getKey(), "tensor name is null");
            HostTensor t = requireNonNull(e.getValue(), () -> "tensor '" + name + "' is null");
            if (name.equals("__metadata__")) {
                throw new IllegalArgumentException("a tensor cannot be named __metadata__");
            }
            if (t.dtype() != DType.FLOAT32) {
                throw new IllegalArgumentException("tensor '" + name + "' is " + t.dtype() + "; the writer takes FLOAT32 only");
            }
            long bytes = 4L * t.size();
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", "F32");
            entry.put("shape", t.shape());
            entry.put("data_offsets", List.of(offset, offset + bytes));
            root.put(name, entry);
            offset += bytes;
        }
        byte[] json;
        try {
            json = SafetensorsReader.JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the safetensors header", e);
        }
        int padded = (json.length + 7) / 8 * 8;
        byte[] header = new byte[padded];
        System.arraycopy(json, 0, header, 0, json.length);
        for (int i = json.length; i < padded; i++) {
            header[i] = ' ';
        }
        return header;
    }

    private static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }

    private static void syncDirectory(Path directory) {
        // Makes the rename durable where the platform allows opening a directory (Linux, macOS).
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException ignored) {
            // not supported here (Windows); the file itself is synced
        }
    }
}

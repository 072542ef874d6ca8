package org.pretrain4j.weights;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pretrain4j.graph.HostTensor;

/**
 * A {@code .safetensors} file: an 8-byte little-endian header length, a JSON header naming each
 * tensor's dtype, shape and {@code data_offsets} into the data section, then the data. The header is
 * validated at open (length within the file, offsets inside the data section, no two tensors
 * overlapping, byte length = elements x dtype size); each read maps only that tensor's bytes, so a
 * file of any size (over 2 GB: one mapping per tensor) is read without copying it onto the heap.
 */
public final class SafetensorsReader implements WeightReader {
    /** The safetensors library's own limit; a larger header is a damaged file, not a real one. */
    static final long MAX_HEADER_BYTES = 100L << 20;

    static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private record Entry(String name, StoredType type, long[] shape, long begin, long end) {}

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private SafetensorsReader(Path file, FileChannel channel, long dataStart, Map<String, Entry> entries, Map<String, String> metadata) {
        this.file = file;
        this.channel = channel;
        this.dataStart = dataStart;
        this.entries = entries;
        this.metadata = metadata;
    }

    /** Opens and validates {@code file}; fails with a {@link WeightFormatException} naming it and the problem. */
    public static SafetensorsReader open(Path file) {
        requireNonNull(file, "file is null");
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new WeightFormatException(file, "no such file");
        } catch (IOException e) {
            throw new WeightFormatException(file, "cannot be read: " + e.getMessage(), e);
        }
        try {
            SafetensorsReader reader = parse(file, channel);
            channel = null;
            return reader;
        } catch (IOException e) {
            throw new WeightFormatException(file, "cannot be read: " + e.getMessage(), e);
        } finally {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // the open failed already; that error is the one to report
                }
            }
        }
    }

    private static SafetensorsReader parse(Path file, FileChannel channel) throws IOException {
        long size = channel.size();
        if (size < 8) {
            throw new WeightFormatException(file, "truncated: " + size + " bytes, fewer than the 8-byte header length of a safetensors file");
        }
        ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, lengthBytes, 0);
        long headerLength = lengthBytes.getLong(0);
        if (headerLength < 2 || headerLength > MAX_HEADER_BYTES) {
            throw new WeightFormatException(file, "header length " + headerLength
                    + " is not plausible (2 bytes to 100 MB): not a safetensors file or a damaged one");
        }
        if (8 + headerLength > size) {
            throw new WeightFormatException(file, "truncated: the header needs " + headerLength + " bytes after the first 8 but the file has "
                    + size + " bytes in all");
        }
        ByteBuffer header = ByteBuffer.allocate((int) headerLength);
        readFully(channel, header, 8);
        JsonNode root;
        try {
            root = JSON.readTree(header.array());
        } catch (JsonProcessingException e) {
            throw new WeightFormatException(file, "header is not valid JSON (" + oneLine(e.getOriginalMessage()) + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw new WeightFormatException(file, "header is not a JSON object of tensor names");
        }
        long dataStart = 8 + headerLength;
        long dataSize = size - dataStart;
        Map<String, Entry> entries = new LinkedHashMap<>();
        Map<String, String> metadata = Map.of();
        Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getKey().equals("__metadata__")) {
                metadata = metadata(file, field.getValue());
            } else {
                Entry entry = entry(file, field.getKey(), field.getValue(), dataSize);
                entries.put(entry.name(), entry);
            }
        }
        checkNoOverlap(file, entries);
        return new SafetensorsReader(file, channel, dataStart, Collections.unmodifiableMap(entries), metadata);
    }

    private static Map<String, String> metadata(Path file, JsonNode node) {
        if (!node.isObject()) {
            throw new WeightFormatException(file, "__metadata__ is not a JSON object of strings");
        }
        Map<String, String> m = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new WeightFormatException(file, "__metadata__['" + e.getKey() + "'] is not a string");
            }
            m.put(e.getKey(), e.getValue().asText());
        }
        return Collections.unmodifiableMap(m);
    }

    private static Entry entry(Path file, String name, JsonNode node, long dataSize) {
        String where = "tensor '" + name + "'";
        if (!node.isObject()) {
            throw new WeightFormatException(file, where + " is not a JSON object with dtype, shape and data_offsets");
        }
        JsonNode dtype = node.get("dtype");
        if (dtype == null || !dtype.isTextual()) {
            throw new WeightFormatException(file, where + " has no dtype");
        }
        StoredType type = StoredType.ofName(dtype.asText());
        if (type == null) {
            throw new WeightFormatException(file, where + " has dtype " + dtype.asText() + ", which is not supported (supported: "
                    + StoredType.SUPPORTED + ")");
        }
        JsonNode shapeNode = node.get("shape");
        if (shapeNode == null || !shapeNode.isArray()) {
            throw new WeightFormatException(file, where + " has no shape array");
        }
        long[] shape = new long[shapeNode.size()];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0) {
                throw new WeightFormatException(file, where + " has shape " + shapeNode + " with a dimension that is not a non-negative integer");
            }
            shape[i] = d.asLong();
            elements = multiply(file, where, elements, shape[i]);
        }
        JsonNode offsets = node.get("data_offsets");
        if (offsets == null || !offsets.isArray() || offsets.size() != 2 || !offsets.get(0).isIntegralNumber()
                || !offsets.get(1).isIntegralNumber()) {
            throw new WeightFormatException(file, where + " has no data_offsets pair [begin, end]");
        }
        long begin = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        if (begin < 0 || end < begin) {
            throw new WeightFormatException(file, where + " has data_offsets [" + begin + ", " + end + "], which is not a byte range");
        }
        long needed = multiply(file, where, elements, type.bytes);
        if (end - begin != needed) {
            throw new WeightFormatException(file, where + " has data_offsets [" + begin + ", " + end + "] holding " + (end - begin)
                    + " bytes, but shape " + Arrays.toString(shape) + " of " + type + " needs " + needed);
        }
        if (end > dataSize) {
            throw new WeightFormatException(file, "truncated: " + where + " ends at data byte " + end + " but the data section has only "
                    + dataSize + " bytes");
        }
        return new Entry(name, type, shape, begin, end);
    }

    private static long multiply(Path file, String where, long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw new WeightFormatException(file, where + " is too large: its size overflows 64 bits");
        }
    }

    private static void checkNoOverlap(Path file, Map<String, Entry> entries) {
        List<Entry> sorted = new ArrayList<>(entries.values());
        sorted.removeIf(e -> e.begin() == e.end());
        sorted.sort(Comparator.comparingLong(Entry::begin));
        for (int i = 1; i < sorted.size(); i++) {
            Entry a = sorted.get(i - 1);
            Entry b = sorted.get(i);
            if (b.begin() < a.end()) {
                throw new WeightFormatException(file, "tensors '" + a.name() + "' (bytes " + a.begin() + " to " + a.end() + ") and '"
                        + b.name() + "' (bytes " + b.begin() + " to " + b.end() + ") overlap in the data section");
            }
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                throw new IOException("unexpected end of file at byte " + at);
            }
            at += n;
        }
        buffer.flip();
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").strip();
    }

    @Override
    public Path file() {
        return file;
    }

    @Override
    public Set<String> names() {
        return entries.keySet();
    }

    private Entry entry(String name) {
        Entry e = entries.get(requireNonNull(name, "name is null"));
        if (e == null) {
            throw new WeightFormatException(file, "has no tensor '" + name + "'");
        }
        return e;
    }

    @Override
    public long[] shape(String name) {
        return entry(name).shape().clone();
    }

    @Override
    public String dtype(String name) {
        return entry(name).type().name();
    }

    @Override
    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public HostTensor read(String name) {
        Entry e = entry(name);
        long elements = (e.end() - e.begin()) / e.type().bytes;
        if (elements > Integer.MAX_VALUE - 8) {
            throw new WeightFormatException(file, "tensor '" + name + "' has " + elements + " elements, more than a Java array holds");
        }
        float[] data = new float[(int) elements];
        if (elements > 0) {
            try {
                MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + e.begin(), e.end() - e.begin());
                e.type().toFloats(mapped, data);
            } catch (IOException ex) {
                throw new WeightFormatException(file, "tensor '" + name + "' cannot be read: " + ex.getMessage(), ex);
            }
        }
        return HostTensor.ofFloats(e.shape(), data);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new WeightFormatException(file, "cannot be closed: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "SafetensorsReader[" + file + ", " + entries.size() + " tensors]";
    }
}

package org.pretrain4j.weights;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.weights.RestrictedUnpickler.TensorRef;

/**
 * A {@code pytorch_model.bin} as {@code torch.save} writes it since torch 1.6: a zip archive with one
 * top folder holding {@code data.pkl} (the state dict, pickled) and {@code data/<key>} (each storage's
 * raw little-endian bytes). The pickle is read by {@link RestrictedUnpickler}, which never runs code
 * from the file; every tensor's view (offset, size, stride) is checked against its storage at open.
 * Strided (non-contiguous) views are materialised in row-major order on read.
 */
public final class TorchCheckpointReader implements WeightReader {
    /** A state dict's pickle is small (names and shapes); a huge one is not a state dict. */
    private static final long MAX_PICKLE_BYTES = 256L << 20;
    /** Storages are streamed through a buffer of this size: no second copy of a tensor on the heap. */
    private static final int CHUNK_BYTES = 1 << 20;

    private final Path file;
    private final ZipFile zip;
    private final String prefix;
    private final Map<String, TensorRef> tensors;

    private TorchCheckpointReader(Path file, ZipFile zip, String prefix, Map<String, TensorRef> tensors) {
        this.file = file;
        this.zip = zip;
        this.prefix = prefix;
        this.tensors = tensors;
    }

    /** Opens {@code file}, unpickles its state dict and checks every tensor against its storage. */
    public static TorchCheckpointReader open(Path file) {
        requireNonNull(file, "file is null");
        if (!Files.exists(file)) {
            throw new WeightFormatException(file, "no such file");
        }
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new WeightFormatException(file, notZip(file));
        } catch (IOException e) {
            throw new WeightFormatException(file, "cannot be read: " + e.getMessage(), e);
        }
        try {
            TorchCheckpointReader reader = parse(file, zip);
            zip = null;
            return reader;
        } catch (IOException e) {
            throw new WeightFormatException(file, "cannot be read: " + e.getMessage(), e);
        } finally {
            if (zip != null) {
                try {
                    zip.close();
                } catch (IOException ignored) {
                    // the open failed already; that error is the one to report
                }
            }
        }
    }

    private static String notZip(Path file) {
        byte[] start = new byte[2];
        try (InputStream in = Files.newInputStream(file)) {
            int n = in.readNBytes(start, 0, 2);
            if (n == 2 && (start[0] & 0xFF) == 0x80 && start[1] >= 2 && start[1] <= 5) {
                return "legacy torch.save format (a bare pickle, before torch 1.6) is not supported; re-save it with torch>=1.6: "
                        + "torch.save(torch.load(f), f)";
            }
        } catch (IOException ignored) {
            // fall through to the general message
        }
        return "not a zip archive, so not a torch.save checkpoint (expected pytorch_model.bin as torch>=1.6 writes it)";
    }

    private static TorchCheckpointReader parse(Path file, ZipFile zip) throws IOException {
        ZipEntry pickleEntry = null;
        Enumeration<? extends ZipEntry> entries = zip.entries();
        while (entries.hasMoreElements()) {
            ZipEntry e = entries.nextElement();
            String name = e.getName();
            if (name.endsWith("/data.pkl") && name.indexOf('/') == name.length() - "/data.pkl".length()) {
                if (pickleEntry != null) {
                    throw new WeightFormatException(file, "holds two state dicts (" + pickleEntry.getName() + " and " + name + ")");
                }
                pickleEntry = e;
            }
        }
        if (pickleEntry == null) {
            throw new WeightFormatException(file, "is a zip archive without <folder>/data.pkl: not a torch.save checkpoint");
        }
        String prefix = pickleEntry.getName().substring(0, pickleEntry.getName().length() - "data.pkl".length());
        ZipEntry byteOrder = zip.getEntry(prefix + "byteorder");
        if (byteOrder != null) {
            String order = new String(readAll(zip, byteOrder, 16), StandardCharsets.US_ASCII).strip();
            if (!order.equals("little")) {
                throw new WeightFormatException(file, "stores its tensors in '" + order + "' byte order; only little-endian is supported");
            }
        }
        if (pickleEntry.getSize() > MAX_PICKLE_BYTES) {
            throw new WeightFormatException(file, pickleEntry.getName() + " is " + pickleEntry.getSize() + " bytes, too large for a state dict");
        }
        byte[] pickle = readAll(zip, pickleEntry, MAX_PICKLE_BYTES);
        Object root = RestrictedUnpickler.load(file, pickleEntry.getName(), pickle);
        if (!(root instanceof Map<?, ?> dict)) {
            throw new WeightFormatException(file, "holds " + RestrictedUnpickler.describe(root) + ", not a state dict (a dict of tensors)");
        }
        Map<String, TensorRef> tensors = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : dict.entrySet()) {
            if (!(e.getKey() instanceof String name)) {
                throw new WeightFormatException(file, "state dict has a key that is not a string: " + e.getKey());
            }
            if (e.getValue() instanceof Map) {
                throw new WeightFormatException(file, "holds a nested dict under '" + name + "', not a flat state dict of tensors"
                        + " (a training checkpoint?); save the model's own state_dict(), e.g. torch.save(ckpt['" + name + "'], path)");
            }
            if (!(e.getValue() instanceof TensorRef t)) {
                throw new WeightFormatException(file, "state dict entry '" + name + "' is " + RestrictedUnpickler.describe(e.getValue())
                        + ", not a tensor");
            }
            check(file, zip, prefix, name, t);
            tensors.put(name, t);
        }
        return new TorchCheckpointReader(file, zip, prefix, Collections.unmodifiableMap(tensors));
    }

    private static void check(Path file, ZipFile zip, String prefix, String name, TensorRef t) {
        String where = "tensor '" + name + "'";
        try {
            // A hostile file may give sizes whose products overflow; the unchecked arithmetic below then stays in range.
            long elements = 1;
            long last = t.offset();
            for (int i = 0; i < t.size().length; i++) {
                elements = Math.multiplyExact(elements, t.size()[i]);
                last = Math.addExact(last, Math.multiplyExact(Math.max(t.size()[i] - 1, 0), t.stride()[i]));
            }
            Math.multiplyExact(t.storage().elements(), (long) t.storage().type().bytes);
        } catch (ArithmeticException e) {
            throw new WeightFormatException(file, where + " has a size, stride or storage length whose product overflows 64 bits");
        }
        ZipEntry storage = zip.getEntry(prefix + "data/" + t.storage().key());
        if (storage == null) {
            throw new WeightFormatException(file, where + " uses storage " + prefix + "data/" + t.storage().key() + ", which the archive lacks");
        }
        long bytes = Math.multiplyExact(t.storage().elements(), t.storage().type().bytes);
        if (storage.getSize() >= 0 && storage.getSize() < bytes) {
            throw new WeightFormatException(file, "truncated: storage " + storage.getName() + " has " + storage.getSize() + " bytes, but "
                    + t.storage().elements() + " elements of " + t.storage().type() + " need " + bytes);
        }
        long last = lastElement(t);
        if (last >= t.storage().elements()) {
            throw new WeightFormatException(file, where + " (offset " + t.offset() + ", size " + Arrays.toString(t.size()) + ", stride "
                    + Arrays.toString(t.stride()) + ") reaches element " + last + " of a storage of " + t.storage().elements());
        }
        if (HostTensor.elementCount(t.size()) > Integer.MAX_VALUE - 8) {
            throw new WeightFormatException(file, where + " has more elements than a Java array holds");
        }
    }

    /** The last storage element a view touches; offset - 1 for an empty view. */
    private static long lastElement(TensorRef t) {
        long last = t.offset();
        for (int i = 0; i < t.size().length; i++) {
            if (t.size()[i] == 0) {
                return t.offset() - 1;
            }
            last += (t.size()[i] - 1) * t.stride()[i];
        }
        return last;
    }

    private static boolean contiguous(TensorRef t) {
        long expected = 1;
        for (int i = t.size().length - 1; i >= 0; i--) {
            if (t.size()[i] != 1 && t.stride()[i] != expected) {
                return false;
            }
            expected *= t.size()[i];
        }
        return true;
    }

    private static byte[] readAll(ZipFile zip, ZipEntry entry, long limit) throws IOException {
        try (InputStream in = zip.getInputStream(entry)) {
            byte[] b = in.readNBytes((int) Math.min(limit, Integer.MAX_VALUE - 8));
            return b;
        }
    }

    @Override
    public Path file() {
        return file;
    }

    @Override
    public Set<String> names() {
        return tensors.keySet();
    }

    private TensorRef tensor(String name) {
        TensorRef t = tensors.get(requireNonNull(name, "name is null"));
        if (t == null) {
            throw new WeightFormatException(file, "has no tensor '" + name + "'");
        }
        return t;
    }

    @Override
    public long[] shape(String name) {
        return tensor(name).size().clone();
    }

    @Override
    public String dtype(String name) {
        return tensor(name).storage().type().name();
    }

    @Override
    public HostTensor read(String name) {
        TensorRef t = tensor(name);
        int elements = (int) HostTensor.elementCount(t.size());
        float[] data = new float[elements];
        if (elements == 0) {
            return HostTensor.ofFloats(t.size(), data);
        }
        StoredType type = t.storage().type();
        long span = lastElement(t) - t.offset() + 1;
        if (span > (Integer.MAX_VALUE - 8) / type.bytes) {
            throw new WeightFormatException(file, "tensor '" + name + "' spans more of its storage than one read can hold");
        }
        ZipEntry entry = zip.getEntry(prefix + "data/" + t.storage().key());
        // Strided views read their whole span, then gather; contiguous ones go straight into the result.
        boolean contiguous = contiguous(t);
        float[] target = contiguous ? data : new float[(int) span];
        byte[] chunk = new byte[(int) Math.min((long) target.length * type.bytes, CHUNK_BYTES)];
        try (InputStream in = zip.getInputStream(entry)) {
            in.skipNBytes(t.offset() * type.bytes);
            int done = 0;
            while (done < target.length) {
                int n = Math.min(target.length - done, chunk.length / type.bytes);
                if (in.readNBytes(chunk, 0, n * type.bytes) != n * type.bytes) {
                    throw new WeightFormatException(file, "truncated: storage " + entry.getName() + " ends inside tensor '" + name + "'");
                }
                type.toFloats(ByteBuffer.wrap(chunk, 0, n * type.bytes), target, done, n);
                done += n;
            }
        } catch (java.io.EOFException e) {
            throw new WeightFormatException(file, "truncated: storage " + entry.getName() + " ends before tensor '" + name + "'");
        } catch (IOException e) {
            throw new WeightFormatException(file, "tensor '" + name + "' cannot be read: " + e.getMessage(), e);
        }
        if (!contiguous) {
            gather(t, target, data);
        }
        return HostTensor.ofFloats(t.size(), data);
    }

    /** Copies a strided view (relative to its offset) into row-major order. */
    private static void gather(TensorRef t, float[] span, float[] out) {
        int rank = t.size().length;
        long[] index = new long[rank];
        long source = 0;
        for (int k = 0; k < out.length; k++) {
            out[k] = span[(int) source];
            for (int d = rank - 1; d >= 0; d--) {
                index[d]++;
                source += t.stride()[d];
                if (index[d] < t.size()[d]) {
                    break;
                }
                source -= index[d] * t.stride()[d];
                index[d] = 0;
            }
        }
    }

    @Override
    public void close() {
        try {
            zip.close();
        } catch (IOException e) {
            throw new WeightFormatException(file, "cannot be closed: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "TorchCheckpointReader[" + file + ", " + tensors.size() + " tensors]";
    }
}

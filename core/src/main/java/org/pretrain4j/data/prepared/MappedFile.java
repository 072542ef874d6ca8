package org.pretrain4j.data.prepared;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A read-only, little-endian memory map of a whole file of any size. A Java mapping holds at most
 * 2 GiB, so the file is mapped in 1 GiB segments that overlap by 8 bytes: a value of up to 8 bytes
 * starting in a segment always lies wholly inside it. Thread-safe (absolute reads only).
 */
final class MappedFile {
    private static final int SEGMENT_BITS = 30;
    private static final long SEGMENT = 1L << SEGMENT_BITS;
    private static final long OVERLAP = 8;

    private final MappedByteBuffer[] segments;
    private final long size;

    private MappedFile(MappedByteBuffer[] segments, long size) {
        this.segments = segments;
        this.size = size;
    }

    static MappedFile map(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            int count = (int) Math.max(1, (size + SEGMENT - 1) / SEGMENT);
            MappedByteBuffer[] segments = new MappedByteBuffer[count];
            for (int k = 0; k < count; k++) {
                long start = k * SEGMENT;
                long length = Math.min(size - start, SEGMENT + OVERLAP);
                MappedByteBuffer b = channel.map(FileChannel.MapMode.READ_ONLY, start, Math.max(0, length));
                b.order(ByteOrder.LITTLE_ENDIAN);
                segments[k] = b;
            }
            return new MappedFile(segments, size);
        }
    }

    long size() {
        return size;
    }

    byte get(long position) {
        return segments[(int) (position >>> SEGMENT_BITS)].get((int) (position & (SEGMENT - 1)));
    }

    short getShort(long position) {
        return segments[(int) (position >>> SEGMENT_BITS)].getShort((int) (position & (SEGMENT - 1)));
    }

    int getInt(long position) {
        return segments[(int) (position >>> SEGMENT_BITS)].getInt((int) (position & (SEGMENT - 1)));
    }

    long getLong(long position) {
        return segments[(int) (position >>> SEGMENT_BITS)].getLong((int) (position & (SEGMENT - 1)));
    }
}

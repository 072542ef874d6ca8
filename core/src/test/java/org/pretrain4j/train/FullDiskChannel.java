package org.pretrain4j.train;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A real file channel on a disk that fills up: once {@code budget} bytes have been written, a write
 * stores what still fits and fails as Linux does, with "No space left on device". Tests use it to
 * see what a full disk leaves behind without needing a small file system.
 */
final class FullDiskChannel extends FileChannel {
    private final FileChannel real;
    private long budget;

    FullDiskChannel(FileChannel real, long budget) {
        this.real = real;
        this.budget = budget;
    }

    private int fill(ByteBuffer src, long position, boolean positioned) throws IOException {
        if (budget <= 0) {
            throw new IOException("No space left on device");
        }
        int wanted = src.remaining();
        if (wanted <= budget) {
            budget -= wanted;
            return positioned ? real.write(src, position) : real.write(src);
        }
        ByteBuffer part = src.duplicate();
        part.limit(part.position() + (int) budget);
        int written = positioned ? real.write(part, position) : real.write(part);
        src.position(src.position() + written);
        budget = 0;
        // Linux reports the short write first and ENOSPC on the next call; callers loop, so fail at once.
        throw new IOException("No space left on device");
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return fill(src, -1, false);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        return fill(src, position, true);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            total += write(srcs[i]);
        }
        return total;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return real.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return real.read(dsts, offset, length);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        return real.read(dst, position);
    }

    @Override
    public long position() throws IOException {
        return real.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        real.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return real.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        real.truncate(size);
        return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
        real.force(metaData);
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        return real.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        throw new IOException("No space left on device");
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        return real.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        return real.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return real.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
        real.close();
    }
}

package org.pretrain4j.data;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Shuffles another source's examples through a buffer of {@code bufferSize} (what google BERT's
 * final {@code rng.shuffle(instances)} does over the whole set, bounded for streaming), and numbers
 * them 0, 1, 2, ... in their new order. The order depends only on (seed, epoch).
 */
public final class ShuffledExamples implements ExampleSource {
    private final ExampleSource source;
    private final int bufferSize;
    private final long seed;

    public ShuffledExamples(ExampleSource source, int bufferSize, long seed) {
        this.source = requireNonNull(source, "source is null");
        if (bufferSize < 1) {
            throw new IllegalArgumentException("shuffle buffer must hold at least 1 example: " + bufferSize);
        }
        this.bufferSize = bufferSize;
        this.seed = seed;
    }

    @Override
    public int maxLength() {
        return source.maxLength();
    }

    @Override
    public ExampleLayout layout() {
        return source.layout();
    }

    @Override
    public ExampleStream open(long epoch) {
        ExampleStream in = source.open(epoch);
        RandomSource random = RandomSource.of(seed, epoch, -1).fork("shuffle");
        return new ExampleStream() {
            private final List<Example> buffer = new ArrayList<>();
            private long index;

            @Override
            public boolean hasNext() {
                while (buffer.size() < bufferSize && in.hasNext()) {
                    buffer.add(in.next());
                }
                return !buffer.isEmpty();
            }

            @Override
            public Example next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int j = random.nextInt(buffer.size());
                Example e = buffer.get(j);
                buffer.set(j, buffer.get(buffer.size() - 1));
                buffer.remove(buffer.size() - 1);
                return new Example(index++, e.tokens(), e.segments(), e.special(), e.wordStarts(), e.pairLabel());
            }

            @Override
            public void close() {
                in.close();
            }
        };
    }
}

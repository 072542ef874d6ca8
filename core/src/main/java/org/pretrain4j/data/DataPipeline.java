package org.pretrain4j.data;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads ahead of training: a background thread reads the corpus, builds examples, lets the
 * objective prepare them and collates batches into a bounded queue, so the backend never waits
 * for data. Every epoch is the same sequence of examples and every example's randomness is keyed
 * by (seed, epoch, example index), so {@link #open(long, long)} at a saved position continues
 * exactly where a run stopped. Immutable; each open stream owns one thread.
 */
public final class DataPipeline {
    private final ExampleSource source;
    private final Batcher batcher;
    private final int batchSize;
    private final long seed;
    private final int queueBatches;

    public DataPipeline(ExampleSource source, Batcher batcher, int batchSize, long seed, int queueBatches) {
        this.source = requireNonNull(source, "source is null");
        this.batcher = requireNonNull(batcher, "batcher is null");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be positive: " + batchSize);
        }
        if (queueBatches < 1) {
            throw new IllegalArgumentException("read-ahead queue must hold at least 1 batch: " + queueBatches);
        }
        this.batchSize = batchSize;
        this.seed = seed;
        this.queueBatches = queueBatches;
    }

    public DataPipeline(ExampleSource source, Batcher batcher, int batchSize, long seed) {
        this(source, batcher, batchSize, seed, 16);
    }

    public int batchSize() {
        return batchSize;
    }

    /** Streams the batches of {@code epoch} starting at example {@code firstExample} (0 for the epoch start). */
    public BatchStream open(long epoch, long firstExample) {
        if (firstExample < 0) {
            throw new IllegalArgumentException("first example must be >= 0: " + firstExample);
        }
        return new BatchStream(epoch, firstExample);
    }

    /** Batches of one epoch; {@link #next()} returns null at the epoch's end. Close it to stop the reader thread. */
    public final class BatchStream implements AutoCloseable {
        private static final Object END = new Object();

        private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(queueBatches);
        private final Thread thread;
        private final long epoch;
        private volatile boolean closed;
        private long position;
        private boolean ended;

        private BatchStream(long epoch, long firstExample) {
            this.epoch = epoch;
            this.position = firstExample;
            this.thread = new Thread(() -> produce(firstExample), "p4j-data-epoch-" + epoch);
            thread.setDaemon(true);
            thread.start();
        }

        private void produce(long firstExample) {
            try (ExampleStream examples = source.open(epoch)) {
                long skipped = 0;
                while (skipped < firstExample && examples.hasNext()) {
                    examples.next();
                    skipped++;
                }
                List<ExampleFeatures> batch = new ArrayList<>(batchSize);
                while (!closed && examples.hasNext()) {
                    batch.add(batcher.prepare(examples.next(), seed, epoch));
                    if (batch.size() == batchSize) {
                        offer(new Positioned(batcher.collate(batch), batch.get(batch.size() - 1).example().index() + 1));
                        batch = new ArrayList<>(batchSize);
                    }
                }
                if (!batch.isEmpty() && !closed) {
                    offer(new Positioned(batcher.collate(batch), batch.get(batch.size() - 1).example().index() + 1));
                }
                offer(END);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException | Error e) {
                try {
                    offer(e);
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        private void offer(Object item) throws InterruptedException {
            while (!closed) {
                if (queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        }

        /** The next batch, or null when the epoch is over; rethrows the reader's failure. */
        public Batch next() {
            if (ended) {
                return null;
            }
            Object item;
            try {
                item = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for data", e);
            }
            if (item == END) {
                ended = true;
                return null;
            }
            if (item instanceof RuntimeException) {
                ended = true;
                throw (RuntimeException) item;
            }
            if (item instanceof Error) {
                ended = true;
                throw (Error) item;
            }
            Positioned p = (Positioned) item;
            position = p.next();
            return p.batch();
        }

        /** The epoch being read. */
        public long epoch() {
            return epoch;
        }

        /** The index of the first example not yet returned: the resume position. */
        public long position() {
            return position;
        }

        @Override
        public void close() {
            closed = true;
            thread.interrupt();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private record Positioned(Batch batch, long next) {
    }
}

package org.pretrain4j.testkit;

import static java.util.Objects.requireNonNull;

import org.pretrain4j.data.Batch;
import org.pretrain4j.data.RandomSource;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.text.SpecialTokens;
import org.pretrain4j.train.BatchSource;
import org.pretrain4j.train.DataPosition;

/**
 * A training {@link BatchSource} of {@link TinyModels#batch} batches for trainer tests: epochs of
 * {@code epochSize} examples, each batch's lengths and tokens keyed by (seed, epoch, first example
 * index), so a stream opened at a position continues exactly. Cycles without end.
 */
public record TinyBatches(Objective objective, SpecialTokens specials, long seed, int batchSize, int epochSize)
        implements BatchSource {

    public TinyBatches {
        requireNonNull(objective, "objective is null");
        requireNonNull(specials, "specials is null");
        if (batchSize <= 0 || epochSize < batchSize) {
            throw new IllegalArgumentException("need 0 < batchSize <= epochSize, got " + batchSize + " and " + epochSize);
        }
    }

    @Override
    public Stream open(DataPosition start) {
        return new Stream() {
            private long epoch = start.epoch();
            private long index = start.exampleIndex();

            @Override
            public Batch next() {
                if (index + batchSize > epochSize) {
                    epoch++;
                    index = 0;
                }
                RandomSource r = RandomSource.of(seed, epoch, index);
                int[] lengths = new int[batchSize];
                for (int i = 0; i < batchSize; i++) {
                    lengths[i] = r.nextInt(5, TinyModels.SEQUENCE + 1);
                }
                Batch b = TinyModels.batch(objective, specials, lengths, TinyModels.SEQUENCE, r.nextLong());
                index += batchSize;
                return b;
            }

            @Override
            public DataPosition position() {
                return new DataPosition(epoch, index);
            }

            @Override
            public void close() {}
        };
    }
}

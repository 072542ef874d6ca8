package org.pretrain4j.train;

import org.pretrain4j.data.Batch;

/**
 * Batches for the trainer, restartable at a {@link DataPosition}. The training source cycles
 * through epochs without end; an evaluation source makes one pass over the held-out split.
 */
public interface BatchSource {
    /** Opens a stream whose first batch starts at {@code position}; the caller closes it. */
    Stream open(DataPosition position);

    /** An open stream of batches; used from one thread (the trainer's), though it may read ahead on others. */
    interface Stream extends AutoCloseable {
        /** The next batch, or null when the data is exhausted (a training stream never is); may block while data is prepared. */
        Batch next();

        /** The position of the first example not yet returned by {@link #next()} (not of what was read ahead). */
        DataPosition position();

        /** Stops any background work and releases files. */
        @Override
        void close();
    }
}

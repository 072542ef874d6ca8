package org.pretrain4j.data;

import java.util.Iterator;

/** One epoch's examples in order, indices 0, 1, 2, ...; close it to release the corpus files. Not thread-safe. */
public interface ExampleStream extends Iterator<Example>, AutoCloseable {
    @Override
    void close();
}

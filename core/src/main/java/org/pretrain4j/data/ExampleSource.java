package org.pretrain4j.data;

/**
 * Builds examples from a corpus for one epoch at a time. The same epoch always gives the same
 * examples in the same order (all randomness is keyed by seed, epoch and position), which is what
 * makes resuming exact. Implementations are immutable and thread-safe.
 */
public interface ExampleSource {
    /** Opens the examples of {@code epoch} from the start. */
    ExampleStream open(long epoch);

    /** The longest example this source produces, in tokens. */
    int maxLength();

    /** The layout of its examples. */
    ExampleLayout layout();
}

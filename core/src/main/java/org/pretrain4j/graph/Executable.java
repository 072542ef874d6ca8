package org.pretrain4j.graph;

import java.util.Map;

/**
 * A compiled {@link Program}. It owns its state (every Variable), initialised from the program's
 * seed, updated after each run by the program's state updates. Not thread-safe; close it once.
 */
public interface Executable extends AutoCloseable {
    /** Runs once with every program input given by name; returns every program output by name (fresh host tensors). */
    Map<String, HostTensor> run(Map<String, HostTensor> inputs);

    /** Copies the current state out, every variable by name. */
    Map<String, HostTensor> readState();

    /** Replaces the named variables' values; an unknown name or a wrong shape fails naming it. Unnamed variables keep theirs. */
    void loadState(Map<String, HostTensor> state);

    @Override
    void close();
}

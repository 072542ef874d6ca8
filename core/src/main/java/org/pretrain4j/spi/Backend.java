package org.pretrain4j.spi;

import org.pretrain4j.graph.Executable;
import org.pretrain4j.graph.Program;

/** Compiles and runs graphs. Thread-safe to compile from one thread at a time; close it after its executables. */
public interface Backend extends AutoCloseable {
    /** The factory name this backend was created by. */
    String name();

    /** Compiles a program; its variables start from the program's seed. Fails with a message naming the op it cannot run. */
    Executable compile(Program program);

    /** Worker threads the backend uses. */
    int threads();

    @Override
    void close();
}

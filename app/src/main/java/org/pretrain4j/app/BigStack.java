package org.pretrain4j.app;

import java.util.concurrent.Callable;

/**
 * Runs work on a thread with a large stack. Building, differentiating and compiling a training
 * graph recurses deeper than the JVM's default 1 MB main-thread stack allows (a plain
 * {@code java -jar} then dies with SIGSEGV and no message), so commands and library calls run here.
 */
public final class BigStack {
    /** 512 MiB of address space; only the pages actually touched are committed. */
    static final long STACK_BYTES = 512L << 20;

    private BigStack() {}

    /** Calls {@code work} on a new thread with a large stack and returns its result or rethrows its failure. */
    public static <T> T call(Callable<T> work) {
        Object[] result = new Object[1];
        Throwable[] failure = new Throwable[1];
        Thread thread = new Thread(null, () -> {
            try {
                result[0] = work.call();
            } catch (Throwable t) {
                failure[0] = t;
            }
        }, "pretrain4j", STACK_BYTES);
        thread.setContextClassLoader(Thread.currentThread().getContextClassLoader());
        thread.start();
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
                thread.interrupt();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure[0] instanceof RuntimeException r) {
            throw r;
        }
        if (failure[0] instanceof Error e) {
            throw e;
        }
        if (failure[0] != null) {
            throw new IllegalStateException(failure[0]);
        }
        @SuppressWarnings("unchecked")
        T value = (T) result[0];
        return value;
    }
}

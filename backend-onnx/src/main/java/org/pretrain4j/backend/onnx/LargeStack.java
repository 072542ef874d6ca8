package org.pretrain4j.backend.onnx;

import java.util.concurrent.Callable;

/**
 * The one large-stack runner of pretrain4j. ONNX Runtime's native code recurses deeply: loading the
 * library on some machines, and creating a session for the training graph of the {@code tiny}
 * preset, overflow a default 1 MiB thread stack (which is what {@code main} runs on) and the JVM
 * dies with SIGSEGV and no report. This backend therefore makes those calls here; nothing outside
 * it needs a large stack, so the trainer and the command line run on ordinary threads.
 */
public final class LargeStack {
    /** 512 MiB of address space; only the pages actually touched are committed. */
    static final long STACK_BYTES = 512L << 20;

    private LargeStack() {}

    /**
     * Calls {@code work} on a new thread with a large stack (and the caller's context class loader)
     * and returns its result or rethrows its failure; a checked exception comes back wrapped in an
     * {@link IllegalStateException}. Waits for the thread even when interrupted, so that what it
     * creates (a session) never leaks, then restores the interrupt.
     */
    public static <T> T call(String name, Callable<T> work) {
        Object[] result = new Object[1];
        Throwable[] failure = new Throwable[1];
        Thread thread = new Thread(null, () -> {
            try {
                result[0] = work.call();
            } catch (Throwable t) {
                failure[0] = t;
            }
        }, name, STACK_BYTES);
        thread.setContextClassLoader(Thread.currentThread().getContextClassLoader());
        thread.start();
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
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
            throw new IllegalStateException(name + " failed: " + failure[0], failure[0]);
        }
        @SuppressWarnings("unchecked")
        T value = (T) result[0];
        return value;
    }
}

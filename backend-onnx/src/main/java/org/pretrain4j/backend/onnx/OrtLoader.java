package org.pretrain4j.backend.onnx;

import ai.onnxruntime.OrtEnvironment;

/**
 * Loads ONNX Runtime's native library once, on a thread with a 16 MiB stack: on some machines the
 * library's initialisation overflows a default 1 MiB main-thread stack and the JVM dies with a
 * segmentation fault (seen with ORT 1.29 on Linux x64). Later calls from any thread are fine.
 */
public final class OrtLoader {
    private static volatile boolean loaded;

    private OrtLoader() {}

    /** Loads the library if that has not happened yet; returns the shared environment. */
    public static OrtEnvironment environment() {
        if (!loaded) {
            synchronized (OrtLoader.class) {
                if (!loaded) {
                    Throwable[] failure = new Throwable[1];
                    Thread t = new Thread(null, () -> {
                        try {
                            OrtEnvironment.getEnvironment();
                        } catch (Throwable e) {
                            failure[0] = e;
                        }
                    }, "onnxruntime-load", 16L << 20);
                    t.start();
                    try {
                        t.join();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted while loading ONNX Runtime", e);
                    }
                    if (failure[0] != null) {
                        throw new IllegalStateException("could not load ONNX Runtime: " + failure[0].getMessage(), failure[0]);
                    }
                    loaded = true;
                }
            }
        }
        return OrtEnvironment.getEnvironment();
    }
}

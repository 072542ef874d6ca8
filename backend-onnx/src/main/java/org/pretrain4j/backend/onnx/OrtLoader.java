package org.pretrain4j.backend.onnx;

import ai.onnxruntime.OrtEnvironment;

/**
 * Loads ONNX Runtime's native library once, on a {@link LargeStack} thread: on some machines the
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
                    try {
                        LargeStack.call("onnxruntime-load", OrtEnvironment::getEnvironment);
                    } catch (RuntimeException | Error e) {
                        throw new IllegalStateException("could not load ONNX Runtime: " + e.getMessage(), e);
                    }
                    loaded = true;
                }
            }
        }
        return OrtEnvironment.getEnvironment();
    }
}

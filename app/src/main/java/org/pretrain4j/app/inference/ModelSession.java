package org.pretrain4j.app.inference;

import java.util.Map;
import java.util.Set;

/**
 * What inference needs from a runtime: one session over an exported model file. The ONNX adapter
 * ({@link org.pretrain4j.app.onnx.OnnxRuntimeSessions}) provides it over backend-onnx; this package
 * never touches a runtime itself. Failures are {@link org.pretrain4j.app.UserException}s.
 */
public interface ModelSession extends AutoCloseable {
    Set<String> inputNames();

    Set<String> outputNames();

    /** Runs on one row: each input an int64 tensor of shape {@code [1, n]}; returns {@code output} flattened. */
    float[] run(Map<String, long[]> rows, String output);

    /** A decoder with a key/value cache over {@code layers} layers of {@code heads} heads of {@code headSize}. */
    Decoder decoder(int layers, int heads, int headSize);

    @Override
    void close();

    /** Step-by-step decoding that keeps the model's {@code present.*} outputs as the next step's past. */
    interface Decoder extends AutoCloseable {
        /** Feeds {@code ids} after the cached tokens; returns the logits of every fed position, flattened. */
        float[] next(long[] ids, long[] attentionMask, long[] positions);

        /** Drops the cache. */
        void forget();

        @Override
        void close();
    }
}

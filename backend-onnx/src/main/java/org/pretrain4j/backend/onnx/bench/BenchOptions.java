package org.pretrain4j.backend.onnx.bench;

import static java.util.Objects.requireNonNull;

import org.pretrain4j.backend.onnx.OnnxConfig;

/**
 * How to benchmark.
 *
 * @param batch sequences per step
 * @param sequenceLength tokens per sequence (no padding)
 * @param backend the ONNX Runtime settings (threads above all), also used for the GEMM baseline
 * @param mode training steps, evaluation steps, or forward passes of the exported model
 * @param warmupSteps untimed steps first
 * @param windows timed windows (at least 3); throughput is their median
 * @param stepsPerWindow steps per window
 * @param gemmSize n of the n x n x n GEMM baseline (at least 2048 for a meaningful rate)
 * @param seed seed of the model's initial values and the random batches
 */
public record BenchOptions(int batch, int sequenceLength, OnnxConfig backend, Mode mode, int warmupSteps, int windows, int stepsPerWindow,
                           int gemmSize, long seed) {
    public BenchOptions {
        requireNonNull(backend, "backend is null");
        requireNonNull(mode, "mode is null");
        if (batch < 1 || sequenceLength < 2) {
            throw new IllegalArgumentException("batch must be >= 1 and sequence length >= 2, got " + batch + " and " + sequenceLength);
        }
        if (windows < 3) {
            throw new IllegalArgumentException("at least 3 timed windows are needed, got " + windows);
        }
        if (warmupSteps < 0 || stepsPerWindow < 1 || gemmSize < 64) {
            throw new IllegalArgumentException("bad warm-up " + warmupSteps + ", steps per window " + stepsPerWindow + " or GEMM size " + gemmSize);
        }
    }

    /** The defaults for a batch shape and settings: 3 warm-up steps, 3 windows of 5 steps, a 2048 GEMM. */
    public static BenchOptions of(int batch, int sequenceLength, OnnxConfig backend, Mode mode) {
        return new BenchOptions(batch, sequenceLength, backend, mode, 3, 3, 5, 2048, 1);
    }

    /** What is timed. */
    public enum Mode {
        /** Forward, backward and AdamW: one training step. */
        TRAIN,
        /** The exported inference graph, forward only. */
        INFER,
        /**
         * The evaluation step: forward, heads and losses without dropout, the MLM head only on the
         * masked positions. The same work as the PyTorch reference's {@code --mode infer}.
         */
        EVAL
    }
}

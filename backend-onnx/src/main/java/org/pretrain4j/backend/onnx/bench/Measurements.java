package org.pretrain4j.backend.onnx.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.pretrain4j.backend.onnx.OnnxBackend;
import org.pretrain4j.backend.onnx.OnnxConfig;
import org.pretrain4j.backend.onnx.model.OnnxModelBuilder;
import org.pretrain4j.graph.DType;
import org.pretrain4j.graph.Dim;

/** Machine-level measurements: the fp32 GEMM rate of ONNX Runtime and the process's peak resident memory. */
public final class Measurements {
    private Measurements() {}

    /**
     * The median rate in GFLOP/s of an {@code n x n x n} fp32 MatMul through ONNX Runtime with the
     * given settings (2 warm-up runs, then {@code runs} timed ones).
     */
    public static double gemmGflopsPerSecond(int n, OnnxConfig config, int runs) {
        OnnxModelBuilder b = new OnnxModelBuilder("gemm");
        b.input("a", DType.FLOAT32, List.of(Dim.of(n), Dim.of(n)));
        b.input("b", DType.FLOAT32, List.of(Dim.of(n), Dim.of(n)));
        b.nodeTo("MatMul", List.of("a", "b"), "c");
        b.output("c", DType.FLOAT32, List.of(Dim.of(n), Dim.of(n)));
        OrtEnvironment env = org.pretrain4j.backend.onnx.OrtLoader.environment();
        FloatBuffer a = direct(n * n, 1);
        FloatBuffer bb = direct(n * n, 2);
        FloatBuffer c = direct(n * n, 3);
        long[] shape = {n, n};
        try (OrtSession session = OnnxBackend.createSession(b.build().toByteArray(), config);
             OnnxTensor ta = OnnxTensor.createTensor(env, a, shape);
             OnnxTensor tb = OnnxTensor.createTensor(env, bb, shape);
             OnnxTensor tc = OnnxTensor.createTensor(env, c, shape)) {
            Map<String, OnnxTensor> inputs = Map.of("a", ta, "b", tb);
            Map<String, OnnxTensor> pinned = Map.of("c", tc);
            double[] seconds = new double[runs];
            for (int i = -2; i < runs; i++) {
                long t0 = System.nanoTime();
                session.run(inputs, java.util.Set.of(), pinned).close();
                if (i >= 0) {
                    seconds[i] = (System.nanoTime() - t0) / 1e9;
                }
            }
            return 2.0 * n * n * (double) n / median(seconds) / 1e9;
        } catch (OrtException e) {
            throw new IllegalStateException("GEMM baseline failed: " + e.getMessage(), e);
        }
    }

    /** Peak resident set size of this process in MiB (VmHWM), or -1 where /proc is not available. */
    public static double peakRssMb() {
        return procStatus("VmHWM:");
    }

    /** Current resident set size of this process in MiB (VmRSS), or -1 where /proc is not available. */
    public static double currentRssMb() {
        return procStatus("VmRSS:");
    }

    private static double procStatus(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    String[] parts = line.substring(key.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
    }

    private static FloatBuffer direct(int count, long seed) {
        FloatBuffer f = ByteBuffer.allocateDirect(count * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        Random r = new Random(seed);
        for (int i = 0; i < count; i++) {
            f.put(i, (float) r.nextGaussian());
        }
        return f;
    }
}

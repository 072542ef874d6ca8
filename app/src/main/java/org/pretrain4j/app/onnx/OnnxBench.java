package org.pretrain4j.app.onnx;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.pretrain4j.app.UserException;
import org.pretrain4j.backend.onnx.OnnxConfig;
import org.pretrain4j.backend.onnx.bench.BenchOptions;
import org.pretrain4j.backend.onnx.bench.BenchResult;
import org.pretrain4j.backend.onnx.bench.OnnxBenchmark;
import org.pretrain4j.nn.TransformerConfig;
import org.pretrain4j.spi.Objective;

/** The {@code bench} command's measurement: backend-onnx's ONNX Runtime benchmark, reported as JSON or text. */
public final class OnnxBench {
    private OnnxBench() {}

    /** What the command line asked for; {@code backend} holds the {@code onnx.*} properties without the prefix. */
    public record Settings(String presetName, TransformerConfig.Preset preset, int vocabulary, int sequenceLength, double dropout,
            Objective objective, Map<String, String> backend, boolean train, int batch, int warmup, int windows, int stepsPerWindow) {}

    /** Runs the benchmark; a bad setting is a usage error. Returns the report, newline-terminated. */
    public static String run(Settings s, boolean json) {
        TransformerConfig config;
        BenchOptions options;
        try {
            OnnxConfig onnx = OnnxConfig.parse(s.backend());
            config = TransformerConfig.preset(s.preset(), s.vocabulary(), s.sequenceLength(), s.objective().attention())
                    .withDropout(s.dropout(), s.dropout());
            options = new BenchOptions(s.batch(), s.sequenceLength(), onnx, s.train() ? BenchOptions.Mode.TRAIN : BenchOptions.Mode.INFER,
                    s.warmup(), s.windows(), s.stepsPerWindow(), 2048, 1);
        } catch (IllegalArgumentException e) {
            throw UserException.usage(e.getMessage());
        }
        BenchResult result = OnnxBenchmark.run(s.presetName(), config, s.objective(), options);
        StringWriter text = new StringWriter();
        PrintWriter out = new PrintWriter(text);
        if (json) {
            out.println(result.toJson());
        } else {
            out.printf("%s %s %s batch %d x %d, vocab %d, %d threads%n", result.preset(), result.objective(), result.mode(),
                    result.batch(), result.sequenceLength(), result.vocabulary(), result.threads());
            out.printf("  %,.0f tokens/s (min %,.0f, max %,.0f), %.1f ms/step%n", result.tokensPerSecond(),
                    result.tokensPerSecondMin(), result.tokensPerSecondMax(), result.msPerStep());
            out.printf("  model %.1f GFLOP/s, GEMM %.1f GFLOP/s, MFU %.3f, peak RSS %.0f MB%n", result.modelGflopsPerSecond(),
                    result.gemmGflopsPerSecond(), result.mfu(), result.peakRssMb());
        }
        out.flush();
        return text.toString();
    }
}

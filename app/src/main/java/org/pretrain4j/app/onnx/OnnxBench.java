package org.pretrain4j.app.onnx;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.pretrain4j.app.UserException;
import org.pretrain4j.backend.onnx.OnnxConfig;
import org.pretrain4j.backend.onnx.bench.BenchOptions;
import org.pretrain4j.backend.onnx.bench.BenchResult;
import org.pretrain4j.backend.onnx.bench.OnnxBenchmark;
import org.pretrain4j.backend.onnx.bench.TorchComparison;
import org.pretrain4j.backend.onnx.bench.TorchReference;
import org.pretrain4j.nn.TransformerConfig;
import org.pretrain4j.spi.Objective;

/**
 * The {@code bench} command's measurement: backend-onnx's ONNX Runtime benchmark, alone or alternated
 * with the PyTorch reference, reported as JSON or text.
 */
public final class OnnxBench {
    private OnnxBench() {}

    /**
     * What the command line asked for; {@code backend} holds the {@code onnx.*} properties without the
     * prefix; {@code mode} is train, eval or infer; {@code torch} is null unless --compare-torch.
     */
    public record Settings(String presetName, TransformerConfig.Preset preset, int vocabulary, int sequenceLength, double dropout,
            Objective objective, Map<String, String> backend, String mode, int batch, int warmup, int windows, int stepsPerWindow,
            Torch torch) {}

    /** The PyTorch reference to alternate with: interpreter, optional script copy, extra arguments, rounds. */
    public record Torch(String python, Path script, List<String> arguments, int rounds) {}

    /** Runs the benchmark; a bad setting is a usage error. Returns the report, newline-terminated. */
    public static String run(Settings s, boolean json, Consumer<String> progress) {
        BenchOptions.Mode timed = switch (s.mode()) {
            case "train" -> BenchOptions.Mode.TRAIN;
            // Against PyTorch, infer times our evaluation step: the same work as the reference's --mode infer.
            case "infer" -> s.torch() != null ? BenchOptions.Mode.EVAL : BenchOptions.Mode.INFER;
            case "eval" -> BenchOptions.Mode.EVAL;
            default -> throw UserException.usage("--mode: '" + s.mode() + "' is not train, eval or infer.");
        };
        TransformerConfig config;
        BenchOptions options;
        try {
            OnnxConfig onnx = OnnxConfig.parse(s.backend());
            config = TransformerConfig.preset(s.preset(), s.vocabulary(), s.sequenceLength(), s.objective().attention())
                    .withDropout(s.dropout(), s.dropout());
            options = new BenchOptions(s.batch(), s.sequenceLength(), onnx, timed, s.warmup(), s.windows(), s.stepsPerWindow(), 2048, 1);
        } catch (IllegalArgumentException e) {
            throw UserException.usage(e.getMessage());
        }
        StringWriter text = new StringWriter();
        PrintWriter out = new PrintWriter(text);
        if (s.torch() != null) {
            compare(s, config, options, json, progress, out);
        } else {
            BenchResult result = OnnxBenchmark.run(s.presetName(), config, s.objective(), options);
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
        }
        out.flush();
        return text.toString();
    }

    private static void compare(Settings s, TransformerConfig config, BenchOptions options, boolean json, Consumer<String> progress,
            PrintWriter out) {
        Torch t = s.torch();
        TorchReference torch = new TorchReference(t.python(), t.script(), t.arguments(), 1800);
        try {
            // Arguments are checked before the first (long) run of ours.
            TorchReference.arguments(config, s.objective().name(), options.mode() == BenchOptions.Mode.TRAIN, options.batch(),
                    options.sequenceLength(), options.backend().threads(), options.warmupSteps(), options.windows(), options.stepsPerWindow());
        } catch (IllegalArgumentException e) {
            throw UserException.usage("--compare-torch: " + e.getMessage());
        }
        TorchComparison.Result result;
        try {
            result = TorchComparison.run(s.presetName(), config, s.objective(), options, torch, t.rounds(), line -> {
                if (!json) {
                    progress.accept(line);
                }
            });
        } catch (IllegalStateException e) {
            throw UserException.runtime("--compare-torch: " + e.getMessage(), e);
        }
        if (!json) {
            out.printf("%s %s %s batch %d x %d, vocab %d, dropout %s, %d threads, %d rounds%n", result.preset(), result.objective(),
                    result.mode(), result.batch(), result.sequenceLength(), result.vocabulary(), result.dropout(), result.threads(), t.rounds());
            out.printf("  pretrain4j %,.0f tokens/s (MFU %.3f), PyTorch %s %,.0f tokens/s (MFU %.3f), ratio %.3f%n",
                    result.oursMedian(), result.mfu(result.oursMedian()), result.torch().get(0).torchVersion(), result.torchMedian(),
                    result.mfu(result.torchMedian()), result.ratio());
        }
        out.println(result.toJson());
    }
}

package org.pretrain4j.app.cli;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.pretrain4j.app.UserException;
import org.pretrain4j.app.plugin.ObjectiveSpec;
import org.pretrain4j.app.plugin.PluginRegistry;
import org.pretrain4j.backend.onnx.OnnxConfig;
import org.pretrain4j.backend.onnx.bench.BenchOptions;
import org.pretrain4j.backend.onnx.bench.BenchResult;
import org.pretrain4j.backend.onnx.bench.OnnxBenchmark;
import org.pretrain4j.backend.onnx.bench.TorchComparison;
import org.pretrain4j.backend.onnx.bench.TorchReference;
import org.pretrain4j.nn.TransformerConfig;
import org.pretrain4j.objective.Objectives;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.spi.PluginException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Times training steps (or exported-model inference) on random tokens and reports throughput and MFU. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time training steps on random token ids after warm-up (or forward passes of the exported model with --mode infer); report tokens/s, GFLOP/s and MFU against a 2048^3 MatMul in the same run.")
final class BenchCommand implements Callable<Integer> {
    private final PluginRegistry registry;
    private final Output output;

    @Option(names = "--preset", defaultValue = "mini", description = "tiny, mini, small, medium (default: ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--objective", defaultValue = "mlm", description = "Objectives joined with '+' (default: ${DEFAULT-VALUE}).")
    String objective;

    @Option(names = {"-p", "--property"}, paramLabel = "NAME.KEY=VALUE", description = "Objective or onnx backend property, as for train.")
    Map<String, String> properties = new TreeMap<>();

    @Option(names = "--batch", defaultValue = "32", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seq", defaultValue = "128", description = "Sequence length (default: ${DEFAULT-VALUE}).")
    int seq;

    @Option(names = "--vocab", defaultValue = "8192", description = "Vocabulary size (default: ${DEFAULT-VALUE}).")
    int vocab;

    @Option(names = "--threads", defaultValue = "0", description = "Threads, 0 for every core (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--mode", defaultValue = "train", description = "train (forward, backward, AdamW), eval (the evaluation step: forward, heads, losses) "
            + "or infer (the exported graph); with --compare-torch, infer times the evaluation step, the same work as the reference's --mode infer (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--compare-torch", description = "Alternate runs of ours and of the PyTorch reference (torch_lm.py, inside the jar) with the same "
            + "model, objective, batch, sequence, vocabulary, dropout and threads; print both medians and their ratio as one JSON object.")
    boolean compareTorch;

    @Option(names = "--rounds", defaultValue = "3", description = "With --compare-torch: rounds, each one run of ours and one of PyTorch (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--torch-python", defaultValue = "/usr/bin/python3", description = "With --compare-torch: the Python that runs the reference; "
            + "/usr/bin/python3 is Debian's python3-torch 1.13 (tuned: OpenBLAS AVX-512 and tcmalloc, set up by the script) (default: ${DEFAULT-VALUE}).")
    String torchPython;

    @Option(names = "--torch-args", defaultValue = "", description = "With --compare-torch: more options for torch_lm.py, space-separated, "
            + "e.g. '--blas system' for pip's PyTorch 2.x in the default python3.")
    String torchArgs;

    @Option(names = "--torch-script", description = "With --compare-torch: another copy of torch_lm.py to run instead of the one inside the jar.")
    java.nio.file.Path torchScript;

    @Option(names = "--dropout", defaultValue = "0.1", description = "Dropout of the timed model (default: ${DEFAULT-VALUE}).")
    double dropout;

    @Option(names = "--windows", defaultValue = "3", description = "Timed windows; throughput is their median (default: ${DEFAULT-VALUE}).")
    int windows;

    @Option(names = "--steps-per-window", defaultValue = "5", description = "Steps per timed window (default: ${DEFAULT-VALUE}).")
    int stepsPerWindow;

    @Option(names = "--warmup", defaultValue = "3", description = "Untimed warm-up steps (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Inject
    BenchCommand(PluginRegistry registry, Output output) {
        this.registry = requireNonNull(registry, "registry is null");
        this.output = requireNonNull(output, "output is null");
    }

    @Override
    public Integer call() {
        TransformerConfig.Preset size;
        try {
            size = TransformerConfig.Preset.parse(preset);
        } catch (IllegalArgumentException e) {
            throw UserException.usage("--preset: " + e.getMessage());
        }
        BenchOptions.Mode timed;
        if (mode.equals("train")) {
            timed = BenchOptions.Mode.TRAIN;
        } else if (mode.equals("infer")) {
            timed = compareTorch ? BenchOptions.Mode.EVAL : BenchOptions.Mode.INFER;
        } else if (mode.equals("eval")) {
            timed = BenchOptions.Mode.EVAL;
        } else {
            throw UserException.usage("--mode: '" + mode + "' is not train, eval or infer.");
        }
        if (compareTorch && rounds < 1) {
            throw UserException.usage("--rounds: must be >= 1, got " + rounds + ".");
        }
        if (torchScript != null && !java.nio.file.Files.isRegularFile(torchScript)) {
            throw UserException.usage("--torch-script: no file " + torchScript + ".");
        }
        ObjectiveSpec spec = ObjectiveSpec.parse(objective, properties);
        Map<String, String> backend = new LinkedHashMap<>();
        properties.forEach((k, v) -> {
            if (k.startsWith("onnx.")) {
                backend.put(k.substring("onnx.".length()), v);
            } else if (!spec.names().contains(k.contains(".") ? k.substring(0, k.indexOf('.')) : k)) {
                throw new PluginException("Property '" + k + "' names neither an objective of --objective " + objective + " nor onnx.");
            }
        });
        if (threads > 0) {
            backend.put("threads", Integer.toString(threads));
        }
        Map<String, Double> weights = new LinkedHashMap<>();
        spec.names().stream().filter(spec.weights()::containsKey).forEach(n -> weights.put(n, spec.weight(n)));
        Objective composed = Objectives.compose(registry.objectives(spec), weights);
        TransformerConfig config;
        BenchOptions options;
        OnnxConfig onnx;
        try {
            onnx = OnnxConfig.parse(backend);
            config = TransformerConfig.preset(size, vocab, seq, composed.attention()).withDropout(dropout, dropout);
            options = new BenchOptions(batch, seq, onnx, timed, warmup, windows, stepsPerWindow, 2048, 1);
        } catch (IllegalArgumentException e) {
            throw UserException.usage(e.getMessage());
        }
        if (compareTorch) {
            return compare(config, composed, options);
        }
        BenchResult result = OnnxBenchmark.run(preset, config, composed, options);
        if (json) {
            output.out().println(result.toJson());
        } else {
            output.out().printf("%s %s %s batch %d x %d, vocab %d, %d threads%n", result.preset(), result.objective(), result.mode(),
                    result.batch(), result.sequenceLength(), result.vocabulary(), result.threads());
            output.out().printf("  %,.0f tokens/s (min %,.0f, max %,.0f), %.1f ms/step%n", result.tokensPerSecond(),
                    result.tokensPerSecondMin(), result.tokensPerSecondMax(), result.msPerStep());
            output.out().printf("  model %.1f GFLOP/s, GEMM %.1f GFLOP/s, MFU %.3f, peak RSS %.0f MB%n", result.modelGflopsPerSecond(),
                    result.gemmGflopsPerSecond(), result.mfu(), result.peakRssMb());
        }
        output.out().flush();
        return 0;
    }

    private Integer compare(TransformerConfig config, Objective composed, BenchOptions options) {
        List<String> extra = torchArgs.isBlank() ? List.of() : List.of(torchArgs.trim().split("\\s+"));
        TorchReference torch = new TorchReference(torchPython, torchScript, extra, 1800);
        try {
            // Arguments are checked before the first (long) run of ours.
            TorchReference.arguments(config, composed.name(), options.mode() == BenchOptions.Mode.TRAIN, options.batch(),
                    options.sequenceLength(), options.backend().threads(), options.warmupSteps(), options.windows(), options.stepsPerWindow());
        } catch (IllegalArgumentException e) {
            throw UserException.usage("--compare-torch: " + e.getMessage());
        }
        TorchComparison.Result result;
        try {
            result = TorchComparison.run(preset, config, composed, options, torch, rounds, line -> {
                if (!json) {
                    output.out().println(line);
                    output.out().flush();
                }
            });
        } catch (IllegalStateException e) {
            throw UserException.runtime("--compare-torch: " + e.getMessage(), e);
        }
        if (json) {
            output.out().println(result.toJson());
        } else {
            output.out().printf("%s %s %s batch %d x %d, vocab %d, dropout %s, %d threads, %d rounds%n", result.preset(), result.objective(),
                    result.mode(), result.batch(), result.sequenceLength(), result.vocabulary(), result.dropout(), result.threads(), rounds);
            output.out().printf("  pretrain4j %,.0f tokens/s (MFU %.3f), PyTorch %s %,.0f tokens/s (MFU %.3f), ratio %.3f%n",
                    result.oursMedian(), result.mfu(result.oursMedian()), result.torch().get(0).torchVersion(), result.torchMedian(),
                    result.mfu(result.torchMedian()), result.ratio());
            output.out().println(result.toJson());
        }
        output.out().flush();
        return 0;
    }
}

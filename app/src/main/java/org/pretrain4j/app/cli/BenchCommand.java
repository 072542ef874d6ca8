package org.pretrain4j.app.cli;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.pretrain4j.app.UserException;
import org.pretrain4j.app.onnx.OnnxBench;
import org.pretrain4j.app.plugin.ObjectiveSpec;
import org.pretrain4j.app.plugin.PluginRegistry;
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
        OnnxBench.Torch torch = compareTorch
                ? new OnnxBench.Torch(torchPython, torchScript, torchArgs.isBlank() ? List.of() : List.of(torchArgs.trim().split("\\s+")), rounds)
                : null;
        output.out().print(OnnxBench.run(new OnnxBench.Settings(preset, size, vocab, seq, dropout, composed, backend,
                mode, batch, warmup, windows, stepsPerWindow, torch), json, line -> {
                    output.out().println(line);
                    output.out().flush();
                }));
        output.out().flush();
        return 0;
    }
}

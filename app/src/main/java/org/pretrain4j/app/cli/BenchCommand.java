package org.pretrain4j.app.cli;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import java.util.concurrent.Callable;
import org.pretrain4j.app.UserException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Times training steps (or exported-model inference) on random tokens and reports throughput and MFU. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time training steps on random token ids after warm-up (or forward passes of the exported model with --mode infer); report tokens/s, GFLOP/s and MFU against a 2048^3 MatMul.")
final class BenchCommand implements Callable<Integer> {
    private final Output output;

    @Option(names = "--preset", defaultValue = "mini", description = "tiny, mini, small, medium (default: ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--objective", defaultValue = "mlm", description = "mlm or clm (default: ${DEFAULT-VALUE}).")
    String objective;

    @Option(names = "--batch", defaultValue = "32", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seq", defaultValue = "128", description = "Sequence length (default: ${DEFAULT-VALUE}).")
    int seq;

    @Option(names = "--vocab", defaultValue = "8192", description = "Vocabulary size (default: ${DEFAULT-VALUE}).")
    int vocab;

    @Option(names = "--threads", defaultValue = "0", description = "Threads, 0 for every core (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--mode", defaultValue = "train", description = "train or infer (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Inject
    BenchCommand(Output output) {
        this.output = requireNonNull(output, "output is null");
    }

    @Override
    public Integer call() {
        throw UserException.runtime("bench is not wired to the ONNX backend yet.");
    }
}

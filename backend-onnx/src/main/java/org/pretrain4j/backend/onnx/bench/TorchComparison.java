package org.pretrain4j.backend.onnx.bench;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.pretrain4j.nn.TransformerConfig;
import org.pretrain4j.spi.Objective;

/**
 * Ours against the PyTorch reference on the same machine: N rounds, each one run of ours then one of
 * the reference with the same model, objective, batch, sequence length, vocabulary, dropout and
 * threads, so that a change in the machine's load touches both sides alike. The result is the
 * median tokens/s of each side over the rounds and their ratio (ours / PyTorch).
 */
public final class TorchComparison {
    private TorchComparison() {}

    /** The figures of a comparison. */
    public record Result(String preset, String objective, String mode, int batch, int sequenceLength, int vocabulary, int threads,
                         double dropout, List<BenchResult> ours, List<TorchReference.Run> torch) {
        public Result {
            ours = List.copyOf(ours);
            torch = List.copyOf(torch);
        }

        public double oursMedian() {
            return Measurements.median(ours.stream().mapToDouble(BenchResult::tokensPerSecond).toArray());
        }

        public double torchMedian() {
            return Measurements.median(torch.stream().mapToDouble(TorchReference.Run::tokensPerSecond).toArray());
        }

        /** Ours over PyTorch, medians of the rounds. */
        public double ratio() {
            return oursMedian() / torchMedian();
        }

        /**
         * The MFU of both sides with one definition: our model FLOPs per token and our GEMM rate
         * (median over the rounds) as the peak, so their ratio is the throughput ratio.
         */
        public double mfu(double tokensPerSecond) {
            double flops = ours.get(0).modelFlopsPerToken();
            double gemm = Measurements.median(ours.stream().mapToDouble(BenchResult::gemmGflopsPerSecond).toArray());
            return tokensPerSecond * flops / 1e9 / gemm;
        }

        /** The JSON object of the comparison. */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("preset", preset);
            m.put("objective", objective);
            m.put("mode", mode);
            m.put("batch", batch);
            m.put("seq", sequenceLength);
            m.put("vocab", vocabulary);
            m.put("threads", threads);
            m.put("dropout", dropout);
            m.put("timed", mode.equals("train") ? "training step (forward, backward, AdamW)"
                    : "forward, heads and losses (pretrain4j's evaluation step, PyTorch's --mode infer)");
            m.put("rounds", ours.size());
            m.put("ratio", round(ratio(), 3));
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("tokens_per_second", round(oursMedian(), 1));
            o.put("ms_per_step", round(1000.0 * batch * sequenceLength / oursMedian(), 2));
            o.put("mfu", round(mfu(oursMedian()), 4));
            o.put("rounds_tokens_per_second", ours.stream().map(r -> round(r.tokensPerSecond(), 1)).toList());
            o.put("gemm_gflops_per_second", ours.stream().map(r -> round(r.gemmGflopsPerSecond(), 1)).toList());
            o.put("model_flops_per_token", Math.round(ours.get(0).modelFlopsPerToken()));
            o.put("peak_rss_mb", round(ours.stream().mapToDouble(BenchResult::peakRssMb).max().orElse(-1), 1));
            o.put("onnxruntime", ours.get(0).onnxruntimeVersion());
            m.put("pretrain4j", o);
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("tokens_per_second", round(torchMedian(), 1));
            t.put("ms_per_step", round(1000.0 * batch * sequenceLength / torchMedian(), 2));
            t.put("mfu", round(mfu(torchMedian()), 4));
            t.put("rounds_tokens_per_second", torch.stream().map(r -> round(r.tokensPerSecond(), 1)).toList());
            if (torch.stream().noneMatch(r -> Double.isNaN(r.gemmGflopsPerSecond()))) {
                // Its own BLAS's 2048^3 sgemm rate (--torch-args --peak-probe), beside ours above.
                t.put("gemm_gflops_per_second", torch.stream().map(r -> round(r.gemmGflopsPerSecond(), 1)).toList());
            }
            t.put("torch", torch.get(0).torchVersion());
            t.put("blas", torch.get(0).blas());
            t.put("command", torch.get(0).commandLine());
            m.put("pytorch", t);
            return m;
        }

        /** One JSON object on one line. */
        public String toJson() {
            try {
                return new ObjectMapper().writeValueAsString(toMap());
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * Runs {@code rounds} alternating rounds; {@code progress} gets one line per finished run (for a
     * terminal), never the result.
     */
    public static Result run(String preset, TransformerConfig config, Objective objective, BenchOptions options, TorchReference torch,
                             int rounds, Consumer<String> progress) {
        requireNonNull(torch, "torch is null");
        requireNonNull(progress, "progress is null");
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be >= 1, got " + rounds);
        }
        if (options.mode() == BenchOptions.Mode.INFER) {
            throw new IllegalArgumentException("the reference's forward pass compares with the evaluation step (mode eval): "
                    + "the exported graph projects every position on the vocabulary, the reference only the masked ones");
        }
        boolean train = options.mode() == BenchOptions.Mode.TRAIN;
        List<String> arguments = TorchReference.arguments(config, objective.name(), train, options.batch(), options.sequenceLength(),
                options.backend().threads(), options.warmupSteps(), options.windows(), options.stepsPerWindow());
        List<BenchResult> ours = new ArrayList<>();
        List<TorchReference.Run> reference = new ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
            BenchResult mine = OnnxBenchmark.run(preset, config, objective, options);
            ours.add(mine);
            progress.accept(String.format("round %d/%d pretrain4j %,.0f tokens/s", r, rounds, mine.tokensPerSecond()));
            TorchReference.Run theirs = torch.run(arguments);
            reference.add(theirs);
            progress.accept(String.format("round %d/%d pytorch %s %,.0f tokens/s", r, rounds, theirs.torchVersion(), theirs.tokensPerSecond()));
        }
        return new Result(preset, objective.name(), train ? "train" : "infer", options.batch(),
                options.sequenceLength(), config.vocabularySize(), options.backend().threads(), config.hiddenDropout(), ours, reference);
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}

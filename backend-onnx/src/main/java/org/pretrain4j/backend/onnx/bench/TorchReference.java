package org.pretrain4j.backend.onnx.bench;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.pretrain4j.nn.TransformerConfig;
import org.pretrain4j.spi.AttentionKind;

/**
 * Runs the PyTorch reference benchmark ({@code torch_lm.py}, shipped in this jar unchanged from the
 * issue's anchor) in a child process with the same model sizes, batch, dropout and threads as ours,
 * and reads the one JSON object it prints.
 *
 * @param python the interpreter: {@code /usr/bin/python3} for Debian's tuned PyTorch 1.13 (the script
 *     re-executes itself with OpenBLAS's AVX-512 kernels and tcmalloc), or a pip PyTorch 2.x
 *     interpreter with {@code --blas system} in {@code extraArguments}
 * @param script the script to run, or null for the copy inside this jar
 * @param extraArguments more options for the script (e.g. {@code --blas system})
 * @param timeoutSeconds how long one run may take before it is killed
 */
public record TorchReference(String python, Path script, List<String> extraArguments, long timeoutSeconds) {
    /** The script's resource path inside this jar. */
    public static final String SCRIPT_RESOURCE = "torch_lm.py";

    public TorchReference {
        requireNonNull(python, "python is null");
        extraArguments = List.copyOf(extraArguments);
        if (timeoutSeconds < 1) {
            throw new IllegalArgumentException("timeout must be >= 1 s, got " + timeoutSeconds);
        }
    }

    /**
     * One run's figures, read from the script's JSON; {@code gemmGflopsPerSecond} is its 2048^3
     * sgemm rate (median of before and after the run) when run with {@code --peak-probe}, else NaN.
     */
    public record Run(double tokensPerSecond, double msPerStep, String torchVersion, String blas, String commandLine,
                      double gemmGflopsPerSecond, JsonNode json) {}

    /**
     * The script's options for a model configuration: the architecture from the attention (BERT for
     * bidirectional, GPT-2 for causal), every size given explicitly so that any preset maps.
     */
    public static List<String> arguments(TransformerConfig config, String objective, boolean train, int batch, int sequence,
                                         int threads, int warmup, int windows, int stepsPerWindow) {
        boolean causal = config.attention() == AttentionKind.CAUSAL;
        String torchObjective = switch (objective) {
            case "mlm" -> "mlm";
            case "mlm+nsp" -> "mlm_nsp";
            case "clm" -> "clm";
            default -> throw new IllegalArgumentException("the PyTorch reference has objectives mlm, mlm+nsp and clm, not '" + objective + "'");
        };
        if (causal != torchObjective.equals("clm")) {
            throw new IllegalArgumentException("objective '" + objective + "' does not fit " + config.attention() + " attention");
        }
        if (Math.abs(config.hiddenDropout() - config.attentionDropout()) > 1e-12) {
            throw new IllegalArgumentException("the PyTorch reference has one dropout rate, the config has hidden "
                    + config.hiddenDropout() + " and attention " + config.attentionDropout());
        }
        List<String> args = new ArrayList<>(List.of(
                "--config", causal ? "gpt-mini" : "bert-mini", "--objective", torchObjective, "--mode", train ? "train" : "infer",
                "--L", Integer.toString(config.layers()), "--H", Integer.toString(config.hidden()),
                "--A", Integer.toString(config.heads()), "--V", Integer.toString(config.vocabularySize()),
                "--T", Integer.toString(sequence), "--B", Integer.toString(batch),
                "--threads", Integer.toString(threads), "--dropout", Double.toString(config.hiddenDropout()),
                "--warmup", Integer.toString(warmup), "--steps", Integer.toString(stepsPerWindow),
                // Exactly `windows` windows, as ours: the script would otherwise retry windows that
                // other processes disturbed, up to 12, which on a shared machine is most of them.
                "--windows", Integer.toString(windows), "--max-windows", Integer.toString(windows)));
        if (config.ffn() != 4 * config.hidden()) {
            throw new IllegalArgumentException("the PyTorch reference has a feed-forward of 4 x hidden, the config has " + config.ffn());
        }
        return args;
    }

    /** Runs the script once with {@code arguments} (see {@link #arguments}) and the extra arguments. */
    public Run run(List<String> arguments) {
        Path file = script != null ? script : extractedScript();
        List<String> command = new ArrayList<>();
        command.add(python);
        command.add(file.toString());
        command.addAll(arguments);
        command.addAll(extraArguments);
        String line = String.join(" ", command);
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(false).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the PyTorch reference '" + python + "': " + e.getMessage(), e);
        }
        try {
            byte[] out;
            try (InputStream in = process.getInputStream()) {
                out = in.readAllBytes();
            }
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("the PyTorch reference did not finish within " + timeoutSeconds + " s: " + line);
            }
            String stdout = new String(out, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException("the PyTorch reference failed (exit " + process.exitValue() + "): " + line
                        + (stdout.isBlank() ? "" : "; output: " + stdout.strip()));
            }
            return parse(stdout, line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the PyTorch reference ran", e);
        }
    }

    /** The last JSON object line of the script's output. */
    static Run parse(String stdout, String commandLine) {
        String json = null;
        for (String l : stdout.split("\n")) {
            if (l.startsWith("{")) {
                json = l;
            }
        }
        if (json == null) {
            throw new IllegalStateException("the PyTorch reference printed no JSON: " + commandLine);
        }
        try {
            JsonNode node = new ObjectMapper().readTree(json);
            // The median over every window, as ours: the script's tok_s_median keeps only the windows
            // that other processes left alone, which on a shared machine compares different things.
            JsonNode all = node.get("tok_s_median_all_windows");
            double tokens = all != null ? all.asDouble() : node.get("tok_s_median").asDouble();
            int batch = node.path("B").asInt();
            int seq = node.path("T").asInt();
            JsonNode before = node.path("sgemm2048_gflops_before");
            JsonNode after = node.path("sgemm2048_gflops_after");
            double gemm = before.isNumber() && after.isNumber() ? (before.asDouble() + after.asDouble()) / 2 : Double.NaN;
            return new Run(tokens, 1000.0 * batch * seq / tokens, node.path("torch").asText(), node.path("blas").asText()
                    + " " + node.path("malloc").asText(), commandLine, gemm, node);
        } catch (IOException e) {
            throw new IllegalStateException("the PyTorch reference printed bad JSON: " + json, e);
        }
    }

    private static Path extracted;

    private static synchronized Path extractedScript() {
        if (extracted != null && Files.exists(extracted)) {
            return extracted;
        }
        try (InputStream in = TorchReference.class.getResourceAsStream(SCRIPT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(SCRIPT_RESOURCE + " is missing from the jar");
            }
            Path dir = Files.createTempDirectory("pretrain4j-torch");
            Path file = dir.resolve(SCRIPT_RESOURCE);
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            // Deleted in reverse order of registration: the file, then its folder.
            dir.toFile().deleteOnExit();
            file.toFile().deleteOnExit();
            extracted = file;
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the PyTorch reference script to a temporary folder", e);
        }
    }
}

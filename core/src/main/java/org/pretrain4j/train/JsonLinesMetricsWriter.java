package org.pretrain4j.train;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes {@code metrics.jsonl} in the run directory: one JSON object per line, flushed at once.
 * Train records ({@code "type":"train"}) every {@code log-every} steps and at the last step, every
 * evaluation ({@code "type":"eval"}); each has {@code step}, {@code loss}, {@code losses} (per
 * term), {@code metrics} (the objective's), and train records also {@code learning_rate},
 * {@code gradient_norm}, {@code tokens_per_second}, {@code epoch}, {@code example}. A value that
 * is not finite is written as {@code null} (JSON has no NaN).
 *
 * <p>A fresh run starts the file anew. A resumed run keeps the records up to the checkpoint's
 * step and drops later ones (and a line cut short by a crash), so the file reads as one run.
 *
 * <p>Each record is written whole with one positioned write; when a write fails (a full disk)
 * the file is cut back to its last complete line and the failure names its cause, so a failed
 * run leaves no partial line for readers to trip on.
 */
public final class JsonLinesMetricsWriter implements TrainingListener, AutoCloseable {
    /** The file name inside the run directory. */
    public static final String FILE_NAME = "metrics.jsonl";

    /** Opens the metrics file's channel: {@link FileChannel#open} outside tests, a channel that fails on purpose in them. */
    @FunctionalInterface
    interface Opener {
        FileChannel open(Path file, OpenOption... options) throws IOException;
    }

    private final Path file;
    private final Opener opener;
    private final ObjectMapper json = new ObjectMapper();
    private FileChannel out;
    private long complete;
    private long logEvery = 1;

    public JsonLinesMetricsWriter(Path runDirectory) {
        this(runDirectory, FileChannel::open);
    }

    JsonLinesMetricsWriter(Path runDirectory, Opener opener) {
        this.file = requireNonNull(runDirectory, "runDirectory is null").resolve(FILE_NAME);
        this.opener = requireNonNull(opener, "opener is null");
    }

    /** The file written. */
    public Path file() {
        return file;
    }

    /** Reads every complete record of a metrics file (skipping a line a crash cut short). */
    public static List<JsonNode> read(Path file) {
        List<JsonNode> records = new ArrayList<>();
        if (!Files.exists(file)) {
            return records;
        }
        ObjectMapper mapper = new ObjectMapper();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    records.add(mapper.readTree(line));
                } catch (IOException e) {
                    // A line cut short by a crash; the records before it are complete.
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
        return records;
    }

    @Override
    public void onStart(TrainingStart start) {
        logEvery = start.config().logEvery();
        try {
            Files.createDirectories(file.getParent());
            if (start.startStep() > 0 && Files.exists(file)) {
                List<String> kept = new ArrayList<>();
                for (JsonNode record : read(file)) {
                    if (record.path("step").asLong(Long.MAX_VALUE) <= start.startStep()) {
                        kept.add(json.writeValueAsString(record));
                    }
                }
                Path temporary = file.resolveSibling(FILE_NAME + ".tmp");
                Files.write(temporary, kept, StandardCharsets.UTF_8);
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                out = opener.open(file, StandardOpenOption.WRITE);
            } else {
                out = opener.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            }
            complete = out.size();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write metrics file " + file + ": " + IoFailures.describe(e), e);
        }
    }

    @Override
    public void onStep(StepRecord r) {
        if (r.step() % logEvery != 0 && r.step() != r.totalSteps()) {
            return;
        }
        ObjectNode node = json.createObjectNode();
        node.put("type", "train");
        node.put("step", r.step());
        node.put("epoch", r.position().epoch());
        node.put("example", r.position().exampleIndex());
        number(node, "learning_rate", r.learningRate());
        number(node, "loss", r.loss());
        putAll(node.putObject("losses"), r.termLosses());
        putAll(node.putObject("metrics"), r.metrics());
        number(node, "gradient_norm", r.gradientNorm());
        node.put("examples", r.examples());
        node.put("tokens", r.tokens());
        number(node, "seconds", r.seconds());
        number(node, "tokens_per_second", r.tokensPerSecond());
        node.put("time", Instant.now().toString());
        write(node);
    }

    @Override
    public void onEvaluation(EvalRecord r) {
        ObjectNode node = json.createObjectNode();
        node.put("type", "eval");
        node.put("step", r.step());
        number(node, "loss", r.loss());
        putAll(node.putObject("losses"), r.termLosses());
        putAll(node.putObject("metrics"), r.metrics());
        node.put("batches", r.batches());
        node.put("examples", r.examples());
        node.put("tokens", r.tokens());
        number(node, "seconds", r.seconds());
        node.put("time", Instant.now().toString());
        write(node);
    }

    @Override
    public void onFinish(TrainingResult result) {
        close();
    }

    @Override
    public void onFailure(RuntimeException error) {
        close();
    }

    @Override
    public void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot close metrics file " + file + ": " + IoFailures.describe(e), e);
            } finally {
                out = null;
            }
        }
    }

    private static void putAll(ObjectNode node, Map<String, Double> values) {
        values.forEach((k, v) -> number(node, k, v));
    }

    /** JSON has no NaN or infinity: such values are written as null so that every JSON reader takes the line. */
    private static void number(ObjectNode node, String key, double value) {
        if (Double.isFinite(value)) {
            node.put(key, value);
        } else {
            node.putNull(key);
        }
    }

    private void write(ObjectNode node) {
        if (out == null) {
            throw new IllegalStateException("metrics writer is not started or already closed");
        }
        ByteBuffer line;
        try {
            line = ByteBuffer.wrap((json.writeValueAsString(node) + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write metrics file " + file + ": " + IoFailures.describe(e), e);
        }
        try {
            long at = complete;
            while (line.hasRemaining()) {
                at += out.write(line, at);
            }
            complete = at;
        } catch (IOException e) {
            try {
                out.truncate(complete);
            } catch (IOException ignored) {
                // The reader skips a cut line anyway; the cause below is what the user needs.
            }
            throw new UncheckedIOException("Cannot write metrics file " + file + ": " + IoFailures.describe(e), e);
        }
    }
}

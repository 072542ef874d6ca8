package org.pretrain4j.app.pretrained;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The external checks of an export folder: Python transformers and onnx.checker
 * ({@code src/test/python/hf_export_check.py}) and transformers.js ({@code backend-onnx/src/test/js/interop.mjs}).
 * A missing interpreter or package fails the test with the install command; nothing is skipped.
 */
final class ExportChecks {
    static final Path PYTHON_SCRIPT = Path.of("src", "test", "python", "hf_export_check.py").toAbsolutePath();
    static final Path JS_DIR = Path.of("..", "backend-onnx", "src", "test", "js").toAbsolutePath().normalize();

    private ExportChecks() {}

    /** Runs the Python check; asserts a clean loading report and logits within 1e-4 of the export's ONNX graph. */
    static JsonNode assertTransformersLoadsIt(Path export, String architecture) throws IOException, InterruptedException {
        String python = System.getenv().getOrDefault("PYTHON", "python3");
        String out = run(List.of(python, PYTHON_SCRIPT.toString(), export.toString()), null);
        JsonNode report = new ObjectMapper().readTree(out.strip().substring(out.strip().lastIndexOf('\n') + 1));
        assertThat(report.path("architecture").asText()).isEqualTo(architecture);
        assertThat(report.path("missing")).as("missing keys: %s", report).isEmpty();
        assertThat(report.path("unexpected")).as("unexpected keys: %s", report).isEmpty();
        assertThat(report.path("mismatched")).as("mismatched keys: %s", report).isEmpty();
        report.path("max_abs_difference").fields().forEachRemaining(e ->
                assertThat(e.getValue().asDouble()).as("%s: transformers against the export's ONNX graph", e.getKey()).isLessThan(1e-4));
        assertThat(report.path("onnx_checked")).as("onnx.checker ran").isNotEmpty();
        return report;
    }

    /** Runs transformers.js on the export ({@code fill-mask} or {@code text-generation}) and returns its JSON. */
    static JsonNode transformersJs(String task, Path export, String... texts) throws IOException, InterruptedException {
        if (!Files.isDirectory(JS_DIR.resolve("node_modules").resolve("@huggingface").resolve("transformers"))) {
            throw new IllegalStateException("transformers.js is not installed in " + JS_DIR
                    + "; run 'ONNXRUNTIME_NODE_INSTALL=skip npm ci' there (mvn does it when node_modules is missing)");
        }
        List<String> command = new ArrayList<>(List.of("node", "interop.mjs", task, export.toString()));
        command.addAll(List.of(texts));
        String out = run(command, JS_DIR).strip();
        return new ObjectMapper().readTree(out.substring(out.lastIndexOf('\n') + 1));
    }

    private static String run(List<String> command, Path directory) throws IOException, InterruptedException {
        Path stderr = Files.createTempFile("export-check", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectError(stderr.toFile());
            if (directory != null) {
                builder.directory(directory.toFile());
            }
            Process p;
            try {
                p = builder.start();
            } catch (IOException e) {
                throw new IllegalStateException(command.get(0) + " cannot be started (install python3 with 'python3 -m pip install"
                        + " torch transformers safetensors onnx onnxruntime numpy', and node): " + e.getMessage(), e);
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " timed out");
            }
            if (p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " failed (" + p.exitValue() + "):\n" + Files.readString(stderr) + out);
            }
            return out;
        } finally {
            Files.deleteIfExists(stderr);
        }
    }
}

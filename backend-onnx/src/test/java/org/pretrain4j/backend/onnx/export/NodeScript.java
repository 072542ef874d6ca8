package org.pretrain4j.backend.onnx.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code src/test/js/interop.mjs} with node (transformers.js installed there by the build) and parses its JSON. */
final class NodeScript {
    static final Path JS_DIR = Path.of("src", "test", "js").toAbsolutePath();

    private NodeScript() {}

    static JsonNode run(String task, Path exportDir, List<String> texts) throws IOException, InterruptedException {
        if (!Files.isDirectory(JS_DIR.resolve("node_modules").resolve("@huggingface").resolve("transformers"))) {
            throw new IllegalStateException("transformers.js is not installed in " + JS_DIR
                    + "; run 'ONNXRUNTIME_NODE_INSTALL=skip npm ci' there (mvn does it when node_modules is missing)");
        }
        List<String> command = new ArrayList<>(List.of("node", "interop.mjs", task, exportDir.toAbsolutePath().toString()));
        command.addAll(texts);
        Path stderr = Files.createTempFile("interop", ".err");
        try {
            Process p = new ProcessBuilder(command).directory(JS_DIR.toFile())
                    .redirectError(stderr.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("node " + task + " timed out");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("node " + task + " failed (" + p.exitValue() + "): " + Files.readString(stderr) + out);
            }
            String last = out.strip();
            last = last.substring(last.lastIndexOf('\n') + 1);
            return new ObjectMapper().readTree(last);
        } finally {
            Files.deleteIfExists(stderr);
        }
    }
}

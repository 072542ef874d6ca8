package org.pretrain4j.backend.onnx.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
        ExternalProcess.Result r = ExternalProcess.run(command, JS_DIR);
        if (r.exit() != 0) {
            throw new IllegalStateException("node " + task + " failed (" + r.exit() + "): " + r.err() + r.out());
        }
        String last = r.out().strip();
        last = last.substring(last.lastIndexOf('\n') + 1);
        return new ObjectMapper().readTree(last);
    }
}

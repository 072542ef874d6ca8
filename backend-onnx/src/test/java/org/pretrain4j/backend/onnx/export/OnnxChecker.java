package org.pretrain4j.backend.onnx.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs the reference {@code onnx.checker} (Python, full check) on every ONNX file of an export
 * folder, as EXPORT.md asks. The interpreter is {@code $PYTHON} or {@code python3}; it needs the
 * {@code onnx} package, which {@code .ci/run} installs (Debian's {@code python3-onnx}, else pip).
 */
final class OnnxChecker {
    static final Path SCRIPT = Path.of("src", "test", "python", "onnx_check.py").toAbsolutePath();

    private OnnxChecker() {}

    /** Checks every {@code onnx/*.onnx} of {@code exportDir}; returns the script's report. */
    static JsonNode checkExport(Path exportDir) throws IOException, InterruptedException {
        List<String> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(exportDir.resolve("onnx"))) {
            s.filter(p -> p.toString().endsWith(".onnx")).sorted().forEach(p -> files.add(p.toAbsolutePath().toString()));
        }
        assertThat(files).as("ONNX files of %s", exportDir).isNotEmpty();
        String python = System.getenv().getOrDefault("PYTHON", "python3");
        ExternalProcess.Result probe = ExternalProcess.run(List.of(python, "-c", "import onnx"), null);
        if (probe.exit() != 0) {
            throw new IllegalStateException("onnx.checker needs " + python + " with the onnx package: run .ci/run, or "
                    + "'apt-get install python3-onnx' / 'pip install onnx' (set PYTHON for another interpreter). " + probe.err());
        }
        List<String> command = new ArrayList<>(List.of(python, SCRIPT.toString()));
        command.addAll(files);
        ExternalProcess.Result r = ExternalProcess.run(command, null);
        if (r.exit() != 0) {
            throw new AssertionError("onnx.checker (full check) rejected the export " + exportDir + ":\n" + r.err());
        }
        JsonNode report = new ObjectMapper().readTree(r.out().strip());
        for (String f : files) {
            JsonNode one = report.path("checked").path(f);
            assertThat(one.path("ir_version").asInt()).as("IR version of %s", f).isEqualTo(8);
            assertThat(one.path("opsets").path("ai.onnx").asInt()).as("default-domain opset of %s", f).isEqualTo(17);
            assertThat(one.path("opsets").size()).as("opset imports of %s (no custom domains)", f).isEqualTo(1);
        }
        return report;
    }
}

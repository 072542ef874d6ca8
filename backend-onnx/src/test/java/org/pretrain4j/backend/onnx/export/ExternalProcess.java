package org.pretrain4j.backend.onnx.export;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs an external program of an interop test (node, python) and collects its exit code, stdout and stderr. */
final class ExternalProcess {
    private static final long TIMEOUT_SECONDS = 120;

    /** What a run gave; a program that cannot be started gives exit 127 and the reason as stderr. */
    record Result(int exit, String out, String err) {}

    private ExternalProcess() {}

    /** Runs {@code command} in {@code directory} (null: the current one); fails when it outlives the timeout. */
    static Result run(List<String> command, Path directory) throws IOException, InterruptedException {
        Path stderr = Files.createTempFile("interop", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectError(stderr.toFile());
            if (directory != null) {
                builder.directory(directory.toFile());
            }
            Process p;
            try {
                p = builder.start();
            } catch (IOException e) {
                return new Result(127, "", command.get(0) + " cannot be started: " + e.getMessage());
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " timed out");
            }
            return new Result(p.exitValue(), out, Files.readString(stderr));
        } finally {
            Files.deleteIfExists(stderr);
        }
    }
}

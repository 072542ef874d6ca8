package org.pretrain4j.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the Python reference scripts of core's interop tests ({@code src/test/python}). The
 * interpreter is {@code $PYTHON} or {@code python3}; a missing interpreter or package fails the test
 * with the command that installs it: these checks are never skipped.
 */
public final class Python {
    /** The folder of core's Python scripts, relative to the module (Surefire's working directory). */
    public static final Path SCRIPTS = Path.of("src", "test", "python").toAbsolutePath();

    private static final long TIMEOUT_SECONDS = 300;

    private Python() {}

    /** Runs {@code script} (in {@link #SCRIPTS}) with {@code args}; returns stdout, or fails with stderr. */
    public static String run(String script, List<String> modules, String... args) throws IOException, InterruptedException {
        String python = System.getenv().getOrDefault("PYTHON", "python3");
        String imports = "import " + String.join(", ", modules);
        Result probe = exec(List.of(python, "-c", imports));
        if (probe.exit() != 0) {
            throw new AssertionError("This interop test needs " + python + " with " + modules + ": run scripts/install-test-prerequisites, or '"
                    + python + " -m pip install " + String.join(" ", modules) + "' (set PYTHON for another interpreter). " + probe.err());
        }
        List<String> command = new ArrayList<>(List.of(python, SCRIPTS.resolve(script).toString()));
        command.addAll(List.of(args));
        Result r = exec(command);
        if (r.exit() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed (exit " + r.exit() + "):\n" + r.err());
        }
        return r.out();
    }

    private record Result(int exit, String out, String err) {}

    private static Result exec(List<String> command) throws IOException, InterruptedException {
        Path stderr = Files.createTempFile("python", ".err");
        try {
            Process p;
            try {
                p = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
            } catch (IOException e) {
                return new Result(127, "", command.get(0) + " cannot be started: " + e.getMessage());
            }
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " timed out after " + TIMEOUT_SECONDS + " s");
            }
            return new Result(p.exitValue(), out, Files.readString(stderr));
        } finally {
            Files.deleteIfExists(stderr);
        }
    }
}

package org.pretrain4j.app.cli;

import static java.util.Objects.requireNonNull;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * Where commands write: results to {@code out}, progress and errors to {@code err}.
 * {@code interactive} is true on a terminal (progress bar) and false in pipes and logs (plain lines).
 */
public record Output(PrintWriter out, PrintWriter err, boolean interactive) {
    public Output {
        requireNonNull(out, "out is null");
        requireNonNull(err, "err is null");
    }

    /** Standard output and error; interactive when the JVM has a console. */
    public static Output system() {
        return new Output(new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true),
                new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true),
                System.console() != null);
    }
}

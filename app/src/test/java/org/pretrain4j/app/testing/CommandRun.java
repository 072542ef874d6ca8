package org.pretrain4j.app.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.pretrain4j.app.Main;
import org.pretrain4j.app.cli.Output;

/** One in-process run of the command line: its exit code, standard output and standard error. */
public record CommandRun(int exitCode, String out, String err) {
    public static CommandRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new Output(new PrintWriter(out, true), new PrintWriter(err, true), false));
        return new CommandRun(code, out.toString(), err.toString());
    }
}

package org.pretrain4j.app.cli;

import com.google.inject.Injector;
import java.io.PrintWriter;
import org.pretrain4j.app.UserException;
import org.pretrain4j.spi.PluginException;
import picocli.CommandLine;

/** Builds the picocli command tree over the injector and maps failures to one line and an exit code. */
public final class Commands {
    private Commands() {}

    /** The root command line; {@code stacktrace} prints the stack of unexpected failures too. */
    public static CommandLine create(Injector injector, boolean stacktrace) {
        Output output = injector.getInstance(Output.class);
        CommandLine cli = new CommandLine(Pretrain4jCommand.class, new GuiceCommandFactory(injector));
        cli.setOut(output.out());
        cli.setErr(output.err());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        // A bad option is one line, as every other user error, with where to read more: not the whole usage.
        cli.setParameterExceptionHandler((exception, args) -> {
            CommandLine command = exception.getCommandLine();
            PrintWriter err = command.getErr();
            String message = exception.getMessage() == null ? "invalid arguments" : exception.getMessage().strip().replace('\n', ' ');
            err.println("error: " + message + " (see '" + command.getCommandSpec().qualifiedName() + " --help')");
            err.flush();
            return UserException.USAGE;
        });
        cli.setExecutionExceptionHandler((exception, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            int code = report(exception, err, stacktrace);
            err.flush();
            return code;
        });
        return cli;
    }

    /** Prints one line for {@code failure} (and its stack when asked) and returns the exit code. */
    public static int report(Throwable failure, PrintWriter err, boolean stacktrace) {
        Throwable t = failure;
        while (t instanceof java.lang.reflect.UndeclaredThrowableException && t.getCause() != null) {
            t = t.getCause();
        }
        Throwable user = userCause(t);
        if (user instanceof UserException u) {
            err.println("error: " + u.getMessage());
            if (stacktrace) {
                u.printStackTrace(err);
            }
            return u.exitCode();
        }
        if (user instanceof PluginException p) {
            err.println("error: " + p.getMessage());
            if (stacktrace) {
                p.printStackTrace(err);
            }
            return UserException.USAGE;
        }
        // Not a user error: still one line, with the stack trace on request.
        err.println("error: " + t.getClass().getSimpleName() + ": " + t.getMessage()
                + (stacktrace ? "" : " (run again with --stacktrace for details)"));
        if (stacktrace) {
            t.printStackTrace(err);
        }
        return UserException.RUNTIME;
    }

    /** The first user-caused failure in the cause chain (a plugin error may arrive wrapped by a library). */
    private static Throwable userCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof UserException || c instanceof PluginException) {
                return c;
            }
        }
        return t;
    }
}

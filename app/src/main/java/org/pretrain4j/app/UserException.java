package org.pretrain4j.app;

/**
 * An error the user caused and can fix (bad option, missing file, unknown plugin): printed as one
 * line without a stack trace. Exit code 2 for usage errors found before any work starts, 1 for
 * failures while working (a damaged checkpoint, a folder that turned out not writable).
 */
public final class UserException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Exit code of a usage error. */
    public static final int USAGE = 2;
    /** Exit code of a runtime failure. */
    public static final int RUNTIME = 1;

    private final int exitCode;

    private UserException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** A bad option, property, file or name found while checking the command line. */
    public static UserException usage(String message) {
        return new UserException(USAGE, message, null);
    }

    /** A failure of the work itself that the user can act on. */
    public static UserException runtime(String message) {
        return new UserException(RUNTIME, message, null);
    }

    /** A failure of the work itself with its cause kept for --stacktrace. */
    public static UserException runtime(String message, Throwable cause) {
        return new UserException(RUNTIME, message, cause);
    }

    public int exitCode() {
        return exitCode;
    }
}

package org.pretrain4j.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * The cause of a file failure in words a user can act on ("No space left on device", "permission
 * denied"). Java's {@link FileSystemException}s often carry only a path as their message, and the
 * operating system's reason sits in the cause chain; one-line errors need the reason.
 */
public final class IoFailures {
    private IoFailures() {}

    /** The reason of {@code failure}: the operating system's words where there are any, with the file they concern. */
    public static String describe(Throwable failure) {
        Throwable t = failure;
        while (t instanceof UncheckedIOException && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof AccessDeniedException e) {
            return "permission denied" + reason(e) + on(e);
        }
        if (t instanceof NoSuchFileException e) {
            return "no such file or folder" + reason(e) + on(e);
        }
        if (t instanceof FileAlreadyExistsException e) {
            return "already exists" + reason(e) + on(e);
        }
        if (t instanceof NotDirectoryException e) {
            return "not a folder" + on(e);
        }
        if (t instanceof FileSystemException e) {
            return (e.getReason() != null ? e.getReason() : e.getClass().getSimpleName()) + on(e);
        }
        String message = t.getMessage();
        if (message == null || message.isBlank()) {
            Throwable cause = t.getCause();
            return cause != null && cause != t ? describe(cause) : t.getClass().getSimpleName();
        }
        return message;
    }

    /** True when {@code failure} says the device is full (ENOSPC, or a quota exceeded). */
    public static boolean isDiskFull(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage();
            if (message != null && (message.contains("No space left on device") || message.contains("Disk quota exceeded"))) {
                return true;
            }
            if (t instanceof IOException && t.getCause() == null) {
                break;
            }
        }
        return false;
    }

    private static String reason(FileSystemException e) {
        return e.getReason() == null ? "" : " (" + e.getReason() + ")";
    }

    private static String on(FileSystemException e) {
        if (e.getFile() == null) {
            return "";
        }
        return e.getOtherFile() == null ? ": " + e.getFile() : ": " + e.getFile() + " -> " + e.getOtherFile();
    }
}

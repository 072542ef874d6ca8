package org.pretrain4j.spi;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes an export folder all at once: the content goes into a temporary sibling folder that is
 * renamed into place at the end, replacing an earlier export only then, so that a failure leaves
 * nothing half-written. The host uses it around the chosen {@link ExportFormat}s.
 */
public final class ExportFolder {
    private ExportFolder() {}

    /** Writes a folder's content into the (temporary) folder it is given and returns the files written there. */
    @FunctionalInterface
    public interface Content {
        List<Path> writeInto(Path directory) throws IOException;
    }

    /**
     * Writes {@code content} and moves it to {@code target}; returns the files at their final place.
     * Throws IOException naming the folder when it cannot be written.
     */
    public static List<Path> write(Path target, Content content) throws IOException {
        Path absolute = requireNonNull(target, "target is null").toAbsolutePath().normalize();
        Path parent = absolute.getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new IOException("cannot create the export folder's parent " + parent + ": " + e.getMessage(), e);
        }
        if (!Files.isWritable(parent)) {
            throw new AccessDeniedException(parent.toString(), null, "cannot write the export " + absolute + ": " + parent + " is not writable");
        }
        if (Files.exists(absolute) && !Files.isDirectory(absolute)) {
            throw new IOException("cannot write the export to " + absolute + ": it exists and is not a folder");
        }
        Path temp;
        try {
            temp = Files.createTempDirectory(parent, "." + absolute.getFileName() + ".partial-");
        } catch (IOException e) {
            throw new IOException("cannot write the export to " + absolute + ": " + e.getMessage(), e);
        }
        try {
            List<Path> files = content.writeInto(temp);
            replace(temp, absolute);
            return files.stream().map(f -> absolute.resolve(temp.relativize(f))).toList();
        } catch (IOException | RuntimeException e) {
            deleteTree(temp);
            if (e instanceof IOException io) {
                throw new IOException("cannot write the export to " + absolute + ": " + io.getMessage(), io);
            }
            throw e;
        }
    }

    private static void replace(Path temp, Path target) throws IOException {
        Path old = null;
        if (Files.exists(target)) {
            old = target.resolveSibling("." + target.getFileName() + ".old-" + System.nanoTime());
            Files.move(target, old);
        }
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target);
        } catch (FileSystemException e) {
            if (old != null) {
                Files.move(old, target);
            }
            throw e;
        }
        if (old != null) {
            deleteTree(old);
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // Best effort: the partial folder is hidden and named as such.
        }
    }
}

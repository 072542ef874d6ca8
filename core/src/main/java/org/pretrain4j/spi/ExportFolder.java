package org.pretrain4j.spi;

import static java.util.Objects.requireNonNull;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.pretrain4j.train.IoFailures;

/**
 * Writes an export folder all at once, for the host around the chosen {@link ExportFormat}s (and
 * for a single exporter on its own). The content goes into a temporary sibling folder
 * {@code .NAME.partial-PID-N} first, so a failure leaves the target as it was. A new target is
 * that folder renamed; over an earlier export only the export's own files (every file any format
 * may write there) are renamed in one by one, the own files this export did not write are removed,
 * and a user's other files (a model card, a quantized model) are left alone. A partial folder left
 * by a killed exporter is deleted by the next export beside it.
 */
public final class ExportFolder {
    private static final String PARTIAL = ".partial-";

    private ExportFolder() {}

    /** Writes a folder's content into the (temporary) folder it is given and returns the files written there. */
    @FunctionalInterface
    public interface Content {
        List<Path> writeInto(Path directory) throws IOException;
    }

    /**
     * Writes {@code content} and puts it at {@code target}; returns the files at their final place.
     * {@code ownFiles} are the paths, relative to the folder with {@code /} separators, that an export
     * may write: the only ones replaced or removed in an earlier export, and writing any other is an
     * error. Throws IOException naming the folder when it cannot be written.
     */
    public static List<Path> write(Path target, Collection<String> ownFiles, Content content) throws IOException {
        Path absolute = requireNonNull(target, "target is null").toAbsolutePath().normalize();
        Set<String> own = new LinkedHashSet<>(requireNonNull(ownFiles, "ownFiles is null"));
        Path parent = absolute.getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new IOException("cannot create the export folder's parent " + parent + ": " + IoFailures.describe(e), e);
        }
        if (!Files.isWritable(parent)) {
            throw new AccessDeniedException(parent.toString(), null, "cannot write the export " + absolute + ": " + parent + " is not writable");
        }
        if (Files.exists(absolute) && !Files.isDirectory(absolute)) {
            throw new IOException("cannot write the export to " + absolute + ": it exists and is not a folder");
        }
        removeAbandonedPartials(parent, absolute.getFileName().toString());
        Path temp;
        try {
            // Not createTempDirectory: its mode 0700 would become the export folder's.
            temp = Files.createDirectory(parent.resolve("." + absolute.getFileName() + PARTIAL + ProcessHandle.current().pid() + "-"
                    + System.nanoTime()));
        } catch (IOException e) {
            throw new IOException("cannot write the export to " + absolute + ": " + IoFailures.describe(e), e);
        }
        try {
            List<Path> files = content.writeInto(temp);
            replace(temp, absolute, own);
            return files.stream().map(f -> absolute.resolve(temp.relativize(f))).toList();
        } catch (IOException | RuntimeException e) {
            deleteTree(temp);
            if (e instanceof IOException io) {
                throw new IOException("cannot write the export to " + absolute + ": " + IoFailures.describe(io), io);
            }
            throw e;
        }
    }

    /**
     * Puts the written files into {@code target}: a new folder is the temporary one renamed; in an
     * existing one each file is renamed over its namesake, then the own files that this export did
     * not write (an encoder graph from an earlier encoder export) are removed. Nothing else in the
     * folder is touched.
     */
    private static void replace(Path temp, Path target, Set<String> own) throws IOException {
        List<String> written = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(temp)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                String relative = temp.relativize(file).toString().replace(File.separatorChar, '/');
                if (!own.contains(relative)) {
                    throw new IOException("the export wrote " + relative + ", which no export format declares among its files");
                }
                written.add(relative);
            }
        }
        if (!Files.exists(target)) {
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target);
            }
            return;
        }
        boolean earlierExport = Files.isRegularFile(target.resolve("config.json")) || Files.isRegularFile(target.resolve("pretrain4j.json"));
        for (String file : written) {
            Path to = target.resolve(file);
            Files.createDirectories(to.getParent());
            try {
                Files.move(temp.resolve(file), to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp.resolve(file), to, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (earlierExport) {
            for (String file : own) {
                if (!written.contains(file)) {
                    Files.deleteIfExists(target.resolve(file));
                }
            }
        }
        deleteTree(temp);
    }

    /**
     * Deletes the {@code .NAME.partial-PID-N} folders beside an export whose process is gone (an
     * exporter killed mid-write); those of live processes, exporting right now, are left alone.
     */
    static void removeAbandonedPartials(Path parent, String name) {
        String prefix = "." + name + PARTIAL;
        try (Stream<Path> siblings = Files.list(parent)) {
            for (Path p : siblings.filter(p -> p.getFileName().toString().startsWith(prefix) && Files.isDirectory(p)).toList()) {
                String rest = p.getFileName().toString().substring(prefix.length());
                int dash = rest.indexOf('-');
                long pid;
                try {
                    pid = Long.parseLong(dash < 0 ? rest : rest.substring(0, dash));
                } catch (NumberFormatException e) {
                    pid = -1; // an older version's random suffix: its writer is long gone
                }
                if (pid < 0 || !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    deleteTree(p);
                }
            }
        } catch (IOException e) {
            // Best effort: a leftover partial folder is hidden and harmless.
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

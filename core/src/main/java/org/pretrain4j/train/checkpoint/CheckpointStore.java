package org.pretrain4j.train.checkpoint;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.train.IoFailures;

/**
 * The checkpoints of one run, in a directory of their own:
 * <pre>
 * step-00000100/tensors.bin       parameters and optimizer state ({@link TensorFile})
 * step-00000100/checkpoint.json   {@link CheckpointMetadata}
 * step-00000100/CHECKSUMS         "name size crc32" per file, then "self crc32" of the lines before it
 * latest                          the name of the newest checkpoint, for people and tools
 * </pre>
 *
 * <p>A checkpoint is written into a {@code .tmp-} directory beside its target; every file and the
 * directory are fsynced, then it is renamed with {@code ATOMIC_MOVE} and the parent is fsynced. A
 * {@code step-} directory therefore exists only complete, and a crash or {@code kill -9} at any
 * moment leaves the previous checkpoints intact. {@code latest} is replaced the same way, and
 * older checkpoints beyond the kept number are renamed away before they are deleted.
 *
 * <p>Resuming takes the newest {@code step-} directory (so an interrupted update of
 * {@code latest} costs nothing) and verifies every file against CHECKSUMS; a damaged checkpoint
 * fails naming the file and why, or, when asked, is skipped in favour of the previous good one.
 *
 * <p>A {@link BeforeCommit} given to the constructor runs once the files are synced, just before
 * the rename: the crash tests pause there (testkit's {@code CheckpointPause}) to kill the process mid-write.
 */
public final class CheckpointStore {
    /** The tensor file's name inside a checkpoint. */
    public static final String TENSORS = "tensors.bin";
    /** The metadata file's name inside a checkpoint. */
    public static final String METADATA = "checkpoint.json";
    /** The checksum file's name inside a checkpoint. */
    public static final String CHECKSUMS = "CHECKSUMS";
    /** The pointer file naming the newest checkpoint. */
    public static final String LATEST = "latest";

    private static final Pattern NAME = Pattern.compile("step-(\\d+)");
    private static final String TEMPORARY_PREFIX = ".tmp-";
    private static final String DELETING_PREFIX = ".deleting-";

    private final Path directory;
    private final ObjectMapper json;
    private final BeforeCommit beforeCommit;

    /** What runs once a checkpoint's files are written and synced in their temporary folder, before the rename. */
    @FunctionalInterface
    public interface BeforeCommit {
        /** Called on the writing thread with the temporary folder; throwing fails the write, which leaves no checkpoint. */
        void beforeCommit(Path temporary) throws IOException;
    }

    public CheckpointStore(Path directory) {
        this(directory, temporary -> {});
    }

    /** A store that calls {@code beforeCommit} in every write (the trainer passes its listeners' {@code beforeCheckpointCommit}). */
    public CheckpointStore(Path directory, BeforeCommit beforeCommit) {
        this.directory = requireNonNull(directory, "directory is null").toAbsolutePath();
        this.json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        this.beforeCommit = requireNonNull(beforeCommit, "beforeCommit is null");
    }

    /** The directory holding the checkpoints. */
    public Path directory() {
        return directory;
    }

    /** The directory name of the checkpoint after {@code step} steps. */
    public static String name(long step) {
        return String.format(Locale.ROOT, "step-%08d", step);
    }

    /** Writes a checkpoint atomically, points {@code latest} at it, keeps the newest {@code keep}; returns its directory. */
    public Path write(CheckpointMetadata metadata, Map<String, HostTensor> tensors, int keep) {
        requireNonNull(metadata, "metadata is null");
        if (keep < 1) {
            throw new IllegalArgumentException("keep must be at least 1, got " + keep);
        }
        String name = name(metadata.step());
        Path target = directory.resolve(name);
        Path temporary = directory.resolve(TEMPORARY_PREFIX + name + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        try {
            Files.createDirectories(directory);
            Files.createDirectory(temporary);
            TensorFile.write(temporary.resolve(TENSORS), tensors);
            Files.write(temporary.resolve(METADATA), json.writeValueAsBytes(metadata));
            writeChecksums(temporary, List.of(TENSORS, METADATA));
            for (String file : List.of(TENSORS, METADATA, CHECKSUMS)) {
                force(temporary.resolve(file));
            }
            forceDirectory(temporary);
            beforeCommit.beforeCommit(temporary);
            if (Files.exists(target)) {
                // Only when a step is redone after falling back from a damaged checkpoint.
                removeDirectory(target);
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            forceDirectory(directory);
            writeLatest(name);
            prune(keep);
            return target;
        } catch (AtomicMoveNotSupportedException e) {
            deleteQuietly(temporary);
            throw CheckpointException.writeFailed("Cannot write checkpoint " + target + ": the file system cannot rename atomically", e);
        } catch (IOException e) {
            // A full disk leaves the half-written files behind: free their space at once.
            deleteQuietly(temporary);
            throw CheckpointException.writeFailed("Cannot write checkpoint " + target + ": " + IoFailures.describe(e), e);
        }
    }

    /** Complete checkpoint directories, oldest first. */
    public List<Path> list() {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.filter(p -> NAME.matcher(p.getFileName().toString()).matches() && Files.isDirectory(p))
                    .sorted(Comparator.comparingLong(CheckpointStore::stepOf))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list checkpoints in " + directory, e);
        }
    }

    /** The newest complete checkpoint directory, if any. */
    public Optional<Path> newest() {
        List<Path> all = list();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** The step of a checkpoint directory named {@code step-N}. */
    public static long stepOf(Path checkpoint) {
        Matcher m = NAME.matcher(checkpoint.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a checkpoint directory name: " + checkpoint);
        }
        return Long.parseLong(m.group(1));
    }

    /** Reads and verifies one checkpoint; a missing or damaged file fails naming it and why. */
    public Checkpoint load(Path checkpoint) {
        Path dir = checkpoint.toAbsolutePath();
        if (!Files.isDirectory(dir)) {
            throw new CheckpointException("Checkpoint " + dir + " does not exist");
        }
        verifyChecksums(dir);
        Map<String, HostTensor> tensors = TensorFile.read(dir.resolve(TENSORS));
        CheckpointMetadata metadata;
        Path metadataFile = dir.resolve(METADATA);
        try {
            metadata = json.readValue(metadataFile.toFile(), CheckpointMetadata.class);
        } catch (IOException | RuntimeException e) {
            throw TensorFile.damaged(metadataFile, "it is not valid checkpoint metadata: " + e.getMessage());
        }
        if (metadata.format() != CheckpointMetadata.FORMAT) {
            throw new CheckpointException("Checkpoint file " + metadataFile + " has format " + metadata.format()
                    + "; this version reads format " + CheckpointMetadata.FORMAT);
        }
        return new Checkpoint(dir, metadata, tensors);
    }

    /**
     * Loads the newest complete checkpoint. If it is damaged, fails naming the file and why, unless
     * {@code fallBack} is true: then older ones are tried in turn and each one skipped is reported
     * to {@code skipped}. Returns empty when there is no checkpoint at all.
     */
    public Optional<Checkpoint> loadNewest(boolean fallBack, java.util.function.Consumer<String> skipped) {
        List<Path> all = new ArrayList<>(list());
        java.util.Collections.reverse(all);
        CheckpointException first = null;
        for (Path candidate : all) {
            try {
                return Optional.of(load(candidate));
            } catch (CheckpointException e) {
                if (!fallBack) {
                    Path intact = null;
                    for (Path older : all.subList(all.indexOf(candidate) + 1, all.size())) {
                        if (verifies(older)) {
                            intact = older;
                            break;
                        }
                    }
                    String previous = intact != null ? " The older checkpoint " + intact.getFileName() + " is intact."
                            : all.size() > 1 ? " No older checkpoint is intact either." : "";
                    throw CheckpointException.damaged(e.getMessage() + "." + previous, e, intact);
                }
                skipped.accept("Skipping damaged checkpoint " + candidate + ": " + e.getMessage());
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw new CheckpointException("No usable checkpoint in " + directory + "; the newest failed with: " + first.getMessage(), first);
        }
        return Optional.empty();
    }

    /**
     * Renames every checkpoint newer than {@code step} to {@code damaged-step-N-<time>} (kept for
     * inspection, ignored from then on) and points {@code latest} at {@code step}: after resuming
     * from an older checkpoint, the newer ones belong to an abandoned run. Returns the new names.
     */
    public List<Path> setAsideNewerThan(long step) {
        List<Path> moved = new ArrayList<>();
        try {
            for (Path p : list()) {
                if (stepOf(p) > step) {
                    Path aside = directory.resolve("damaged-" + p.getFileName() + "-" + System.currentTimeMillis());
                    Files.move(p, aside, StandardCopyOption.ATOMIC_MOVE);
                    moved.add(aside);
                }
            }
            if (!moved.isEmpty()) {
                forceDirectory(directory);
                writeLatest(name(step));
            }
            return moved;
        } catch (IOException e) {
            throw new CheckpointException("Cannot set aside checkpoints newer than step " + step + " in " + directory + ": " + e, e);
        }
    }

    /** Deletes what interrupted writes and deletions left behind ({@code .tmp-} and {@code .deleting-} directories). */
    public void removeIncomplete() {
        if (!Files.isDirectory(directory)) {
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path p : entries) {
                String n = p.getFileName().toString();
                if (n.startsWith(TEMPORARY_PREFIX) || n.startsWith(DELETING_PREFIX)) {
                    deleteRecursively(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot clean up " + directory, e);
        }
    }

    /** True when every file of the checkpoint matches its CHECKSUMS line. */
    public boolean verifies(Path checkpoint) {
        try {
            verifyChecksums(checkpoint.toAbsolutePath());
            return true;
        } catch (CheckpointException e) {
            return false;
        }
    }

    private void writeChecksums(Path dir, List<String> files) throws IOException {
        StringBuilder text = new StringBuilder("# pretrain4j checkpoint: file, size in bytes, CRC32\n");
        for (String f : files) {
            Path p = dir.resolve(f);
            text.append(f).append(' ').append(Files.size(p)).append(' ').append(hex(crcOf(p))).append('\n');
        }
        CRC32 self = new CRC32();
        self.update(text.toString().getBytes(StandardCharsets.UTF_8));
        text.append("self ").append(hex(self.getValue())).append('\n');
        Files.writeString(dir.resolve(CHECKSUMS), text, StandardCharsets.UTF_8);
    }

    private static void verifyChecksums(Path dir) {
        Path file = dir.resolve(CHECKSUMS);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CheckpointException("Checkpoint file " + file + " is missing");
        } catch (IOException e) {
            throw TensorFile.damaged(file, "it cannot be read as text: " + e.getMessage());
        }
        int selfAt = text.lastIndexOf("self ");
        if (selfAt < 0 || (selfAt > 0 && text.charAt(selfAt - 1) != '\n')) {
            throw TensorFile.damaged(file, "its final 'self' line is missing (truncated?)");
        }
        CRC32 crc = new CRC32();
        crc.update(text.substring(0, selfAt).getBytes(StandardCharsets.UTF_8));
        String storedSelf = text.substring(selfAt + 5).trim();
        if (!storedSelf.equals(hex(crc.getValue()))) {
            throw TensorFile.damaged(file, "CRC32 mismatch of its own lines (stored " + storedSelf + ", computed " + hex(crc.getValue()) + ")");
        }
        Map<String, String[]> entries = new LinkedHashMap<>();
        for (String line : text.substring(0, selfAt).split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.trim().split(" ");
            if (parts.length != 3) {
                throw TensorFile.damaged(file, "bad line '" + line + "'");
            }
            entries.put(parts[0], parts);
        }
        for (String required : List.of(TENSORS, METADATA)) {
            if (!entries.containsKey(required)) {
                throw TensorFile.damaged(file, "it does not list " + required);
            }
        }
        for (String[] e : entries.values()) {
            Path p = dir.resolve(e[0]);
            long expectedSize = Long.parseLong(e[1]);
            try {
                long size = Files.size(p);
                if (size != expectedSize) {
                    throw TensorFile.damaged(p, "its size is " + size + " bytes, " + CHECKSUMS + " says " + expectedSize
                            + (size < expectedSize ? " (truncated)" : ""));
                }
                String computed = hex(crcOf(p));
                if (!computed.equals(e[2])) {
                    throw TensorFile.damaged(p, "CRC32 mismatch (" + CHECKSUMS + " says " + e[2] + ", computed " + computed + ")");
                }
            } catch (NoSuchFileException x) {
                throw new CheckpointException("Checkpoint file " + p + " is missing");
            } catch (IOException x) {
                throw new CheckpointException("Checkpoint file " + p + " cannot be read: " + IoFailures.describe(x), x);
            }
        }
    }

    private void writeLatest(String name) throws IOException {
        Path temporary = directory.resolve(LATEST + ".tmp");
        Files.writeString(temporary, name + "\n", StandardCharsets.UTF_8);
        force(temporary);
        Files.move(temporary, directory.resolve(LATEST), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory(directory);
    }

    private void prune(int keep) throws IOException {
        List<Path> all = list();
        for (int i = 0; i < all.size() - keep; i++) {
            removeDirectory(all.get(i));
        }
    }

    /** Renames first so that a half-deleted checkpoint never looks complete. */
    private void removeDirectory(Path checkpoint) throws IOException {
        Path doomed = directory.resolve(DELETING_PREFIX + checkpoint.getFileName() + "-" + System.nanoTime());
        Files.move(checkpoint, doomed, StandardCopyOption.ATOMIC_MOVE);
        forceDirectory(directory);
        deleteRecursively(doomed);
    }

    private static void deleteQuietly(Path p) {
        try {
            deleteRecursively(p);
        } catch (IOException e) {
            // What is left is a .tmp- directory, which the next resume removes.
        }
    }

    private static void deleteRecursively(Path p) throws IOException {
        if (Files.isDirectory(p)) {
            try (Stream<Path> children = Files.list(p)) {
                for (Path c : (Iterable<Path>) children::iterator) {
                    deleteRecursively(c);
                }
            }
        }
        Files.deleteIfExists(p);
    }

    private static void force(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    private static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some platforms (Windows) cannot open or sync a directory; the rename is still atomic there.
        }
    }

    private static long crcOf(Path file) throws IOException {
        CRC32 crc = new CRC32();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                crc.update(buffer, 0, n);
            }
        }
        return crc.getValue();
    }

    private static String hex(long crc) {
        return String.format(Locale.ROOT, "%08x", crc);
    }
}

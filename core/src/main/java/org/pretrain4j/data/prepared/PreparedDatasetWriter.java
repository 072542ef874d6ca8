package org.pretrain4j.data.prepared;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.pretrain4j.data.CorpusException;
import org.pretrain4j.data.TokenizedDocument;
import org.pretrain4j.text.Tokenizer;

/**
 * Writes a prepared dataset on a local file system: shards of at most about {@code maxShardBytes}
 * of tokens (a shard ends at the first document boundary past the size), then the tokenizer, the
 * manifest and the completion marker, all in a hidden temporary folder beside the target that
 * {@link #commit()} renames into place. A failed or abandoned preparation ({@link #close()} without
 * commit) deletes the temporary folder, so nothing that looks complete is left behind. Not thread-safe.
 */
public final class PreparedDatasetWriter implements AutoCloseable {
    /** 256 MiB of tokens per shard: few files, and each a comfortable unit to copy or stream. */
    public static final long DEFAULT_MAX_SHARD_BYTES = 256L << 20;

    private final Path target;
    private final Path temporary;
    private final Tokenizer tokenizer;
    private final String source;
    private final long maxShardBytes;
    private final TokenType type;
    private final List<DatasetManifest.Shard> shards = new ArrayList<>();
    private ShardWriter current;
    private boolean done;

    /**
     * Starts a dataset for {@code target}, which must not exist or be an empty folder; {@code source}
     * names the corpus in the manifest.
     */
    public PreparedDatasetWriter(Path target, Tokenizer tokenizer, String source, long maxShardBytes) {
        this.target = requireNonNull(target, "target is null").toAbsolutePath().normalize();
        this.tokenizer = requireNonNull(tokenizer, "tokenizer is null");
        this.source = requireNonNull(source, "source is null");
        if (maxShardBytes < 1) {
            throw new IllegalArgumentException("shard size must be positive: " + maxShardBytes);
        }
        this.maxShardBytes = maxShardBytes;
        this.type = TokenType.forVocabulary(tokenizer.vocabularySize());
        checkTarget(this.target);
        Path parent = this.target.getParent();
        this.temporary = parent.resolve("." + this.target.getFileName() + ".tmp-" + UUID.randomUUID());
        try {
            Files.createDirectories(parent);
            Files.createDirectory(temporary);
        } catch (IOException e) {
            throw new CorpusException("cannot create " + temporary + ": " + e.getMessage(), e);
        }
    }

    /** Fails, naming {@code target}, when it exists and is not an empty folder. */
    public static void checkTarget(Path target) {
        if (Files.exists(target)) {
            boolean empty;
            try (Stream<Path> s = Files.list(target)) {
                empty = s.findAny().isEmpty();
            } catch (IOException e) {
                empty = false;
            }
            if (!empty) {
                throw new CorpusException("output " + target + " already exists and is not an empty folder; choose another or delete it");
            }
        }
    }

    /** The temporary folder being written (hidden, beside the target). */
    public Path temporaryFolder() {
        return temporary;
    }

    /** Appends a document; starts a new shard when the current one is full. */
    public void add(TokenizedDocument document) {
        try {
            if (current == null) {
                String name = ShardFiles.shardName(shards.size());
                current = new ShardWriter(out(name + ShardFiles.DATA), out(name + ShardFiles.INDEX), out(name + ShardFiles.WORD_STARTS),
                        type, tokenizer.vocabularySize());
            }
            current.add(document);
            if (current.dataBytes() >= maxShardBytes) {
                finishShard();
            }
        } catch (IOException e) {
            throw new CorpusException("cannot write to " + temporary + ": " + e.getMessage(), e);
        }
    }

    private OutputStream out(String name) throws IOException {
        return Files.newOutputStream(temporary.resolve(name));
    }

    private void finishShard() throws IOException {
        shards.add(current.finish(ShardFiles.shardName(shards.size())));
        current = null;
    }

    /** Finishes the last shard, writes tokenizer, manifest and marker, and renames the folder into place. */
    public DatasetManifest commit() {
        if (done) {
            throw new IllegalStateException("already committed or closed");
        }
        try {
            if (current != null) {
                finishShard();
            }
            Path tokenizerFile = temporary.resolve(ShardFiles.TOKENIZER);
            tokenizer.save(tokenizerFile);
            DatasetManifest manifest = DatasetManifest.of(source, PreparedDataset.sha256(tokenizerFile), tokenizer.vocabularySize(), shards);
            try (OutputStream out = Files.newOutputStream(temporary.resolve(ShardFiles.MANIFEST))) {
                manifest.write(out);
            }
            Files.createFile(temporary.resolve(ShardFiles.MARKER));
            checkTarget(target);
            if (Files.isDirectory(target)) {
                Files.delete(target); // empty, checked above
            }
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target);
            }
            done = true;
            return manifest;
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
            close();
            throw new CorpusException("output " + target + " appeared while preparing; nothing was written there", e);
        } catch (IOException | RuntimeException e) {
            close();
            if (e instanceof CorpusException) {
                throw (CorpusException) e;
            }
            throw new CorpusException("cannot write the prepared dataset " + target + ": " + e.getMessage(), e);
        }
    }

    /** Abandons an uncommitted dataset: deletes the temporary folder. A no-op after commit. */
    @Override
    public void close() {
        if (done) {
            return;
        }
        done = true;
        if (current != null) {
            current.close();
        }
        deleteRecursively(temporary);
    }

    static void deleteRecursively(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> s = Files.walk(folder)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // best effort: the folder is hidden and has no marker, so it never reads as a dataset
        }
    }
}

package org.pretrain4j.data.prepared;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.pretrain4j.data.CorpusException;
import org.pretrain4j.data.TokenizedCorpus;
import org.pretrain4j.text.Tokenizer;
import org.pretrain4j.text.Tokenizers;

/**
 * A prepared dataset folder, checked: the completion marker, the manifest, and every shard it lists
 * (header, counts against the manifest, file sizes). Its documents are read memory-mapped through
 * {@link #corpus()}. Immutable and thread-safe.
 */
public final class PreparedDataset {
    private final Path directory;
    private final DatasetManifest manifest;
    private final List<IndexedShard> shards;

    private PreparedDataset(Path directory, DatasetManifest manifest, List<IndexedShard> shards) {
        this.directory = directory;
        this.manifest = manifest;
        this.shards = List.copyOf(shards);
    }

    /** Whether {@code directory} looks like a prepared dataset (it has a manifest), complete or not. */
    public static boolean looksPrepared(Path directory) {
        return Files.isRegularFile(directory.resolve(ShardFiles.MANIFEST));
    }

    /** Opens and checks {@code directory}; every problem is a {@link CorpusException} naming the file. */
    public static PreparedDataset open(Path directory) {
        requireNonNull(directory, "directory is null");
        if (!Files.isDirectory(directory)) {
            throw new CorpusException("prepared dataset " + directory + ": not a folder");
        }
        Path manifestFile = directory.resolve(ShardFiles.MANIFEST);
        if (!Files.isRegularFile(directory.resolve(ShardFiles.MARKER))) {
            throw new CorpusException("prepared dataset " + directory + ": no " + ShardFiles.MARKER
                    + " marker, so its preparation did not finish; prepare it again");
        }
        DatasetManifest manifest;
        try (InputStream in = Files.newInputStream(manifestFile)) {
            manifest = DatasetManifest.read(in, manifestFile.toString());
        } catch (NoSuchFileException e) {
            throw new CorpusException(manifestFile + ": missing from the prepared dataset", e);
        } catch (IOException e) {
            throw new CorpusException(manifestFile + ": cannot read: " + e.getMessage(), e);
        }
        long documents = 0;
        long sentences = 0;
        long tokens = 0;
        for (DatasetManifest.Shard entry : manifest.shards()) {
            documents += entry.documents();
            sentences += entry.sentences();
            tokens += entry.tokens();
        }
        if (documents != manifest.documents() || sentences != manifest.sentences() || tokens != manifest.tokens()) {
            throw new CorpusException(manifestFile + ": totals (" + manifest.documents() + " documents, " + manifest.sentences()
                    + " sentences, " + manifest.tokens() + " tokens) are not the sums over its shards (" + documents + ", " + sentences
                    + ", " + tokens + ")");
        }
        List<IndexedShard> shards = new ArrayList<>();
        for (DatasetManifest.Shard entry : manifest.shards()) {
            if (entry.name().contains("/") || entry.name().contains("\\") || entry.name().startsWith(".")) {
                throw new CorpusException(manifestFile + ": shard name '" + entry.name() + "' is not a plain file name");
            }
            IndexedShard shard = IndexedShard.open(directory.resolve(entry.name()));
            Path idx = directory.resolve(entry.name() + ShardFiles.INDEX);
            if (shard.type() != manifest.type()) {
                throw new CorpusException(idx + ": tokens are " + shard.type() + " but the manifest says " + manifest.tokenType());
            }
            if (shard.documents() != entry.documents() || shard.sentences() != entry.sentences() || shard.tokens() != entry.tokens()) {
                throw new CorpusException(idx + ": holds " + shard.documents() + " documents, " + shard.sentences() + " sentences, "
                        + shard.tokens() + " tokens but " + ShardFiles.MANIFEST + " says " + entry.documents() + ", "
                        + entry.sentences() + ", " + entry.tokens());
            }
            shards.add(shard);
        }
        return new PreparedDataset(directory, manifest, shards);
    }

    public Path directory() {
        return directory;
    }

    public DatasetManifest manifest() {
        return manifest;
    }

    /** The shards in reading order. */
    public List<IndexedShard> shards() {
        return shards;
    }

    /** The dataset's own tokenizer file. */
    public Path tokenizerFile() {
        return directory.resolve(manifest.tokenizer());
    }

    /** Loads the dataset's tokenizer, checking it against the manifest's hash. */
    public Tokenizer tokenizer() {
        Path file = tokenizerFile();
        String hash = sha256(file);
        if (!hash.equals(manifest.tokenizerSha256())) {
            throw new CorpusException(file + ": SHA-256 " + hash + " differs from " + ShardFiles.MANIFEST + "'s "
                    + manifest.tokenizerSha256() + "; the tokenizer was changed after preparation");
        }
        try {
            return Tokenizers.load(file);
        } catch (IOException | RuntimeException e) {
            throw new CorpusException(file + ": cannot read the dataset's tokenizer: " + e.getMessage(), e);
        }
    }

    /**
     * Fails unless {@code tokenizer} is the one the dataset was prepared with: its {@code tokenizer.json}
     * holds the same JSON as the dataset's (compared with keys sorted, since the order of a JSON
     * object's keys carries no meaning); {@code what} names the tokenizer in the message.
     */
    public void checkTokenizer(Tokenizer tokenizer, String what) {
        String hash = canonicalSha256(tokenizer);
        String expected = canonicalSha256(tokenizerFile());
        if (!hash.equals(expected)) {
            throw new CorpusException(what + " differs from the tokenizer prepared dataset " + directory + " was made with (its "
                    + manifest.tokenizer() + ", SHA-256 " + shortHash(manifest.tokenizerSha256()) + " in "
                    + directory.resolve(ShardFiles.MANIFEST) + "); train with the dataset's own tokenizer or prepare the corpus again");
        }
    }

    private static String shortHash(String h) {
        return h.length() > 12 ? h.substring(0, 12) + "..." : h;
    }

    /** The documents of all shards, in order, as the example builders read them. */
    public TokenizedCorpus corpus() {
        return new PreparedCorpus(directory.toString(), shards);
    }

    /** SHA-256 (hex) of the {@code tokenizer.json} that {@code tokenizer.save} writes, in canonical form (keys sorted). */
    public static String canonicalSha256(Tokenizer tokenizer) {
        try {
            Path temp = Files.createTempFile("p4j-tokenizer", ".json");
            try {
                tokenizer.save(temp);
                return canonicalSha256(temp);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new CorpusException("cannot hash the tokenizer: " + e.getMessage(), e);
        }
    }

    /** SHA-256 (hex) of a JSON file in canonical form: object keys sorted, no whitespace. */
    public static String canonicalSha256(Path jsonFile) {
        try {
            Object tree = CANONICAL.readValue(jsonFile.toFile(), Object.class);
            return sha256(CANONICAL.writeValueAsBytes(tree));
        } catch (IOException e) {
            throw new CorpusException(jsonFile + ": cannot read as JSON: " + e.getMessage(), e);
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper CANONICAL = new com.fasterxml.jackson.databind.ObjectMapper()
            .enable(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    /** SHA-256 (hex) of a file's bytes. */
    public static String sha256(Path file) {
        try {
            return sha256(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new CorpusException(file + ": missing", e);
        } catch (IOException e) {
            throw new CorpusException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** SHA-256 (hex) of bytes. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}

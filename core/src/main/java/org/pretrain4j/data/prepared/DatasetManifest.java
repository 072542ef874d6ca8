package org.pretrain4j.data.prepared;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import org.pretrain4j.data.CorpusException;

/**
 * {@code manifest.json} of a prepared dataset: what a run checks before training on it. Shards are
 * listed in reading order; the documents of the dataset are those of the shards in that order.
 * Unknown fields fail, so that a newer format is not half-read.
 */
public record DatasetManifest(
        @JsonProperty("format") String format,
        @JsonProperty("format_version") int formatVersion,
        @JsonProperty("source") String source,
        @JsonProperty("tokenizer") String tokenizer,
        @JsonProperty("tokenizer_sha256") String tokenizerSha256,
        @JsonProperty("vocabulary_size") int vocabularySize,
        @JsonProperty("token_type") String tokenType,
        @JsonProperty("documents") long documents,
        @JsonProperty("sentences") long sentences,
        @JsonProperty("tokens") long tokens,
        @JsonProperty("shards") List<Shard> shards) {

    /** The value of {@code format}. */
    public static final String FORMAT = "pretrain4j-prepared-dataset";
    /** The format version this code writes and reads. */
    public static final int FORMAT_VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    /** One shard: {@code name}.idx/.bin/.wst and what it holds. */
    public record Shard(
            @JsonProperty("name") String name,
            @JsonProperty("documents") long documents,
            @JsonProperty("sentences") long sentences,
            @JsonProperty("tokens") long tokens) {
        public Shard {
            requireNonNull(name, "name is null");
            if (documents < 0 || sentences < 0 || tokens < 0) {
                throw new IllegalArgumentException("shard " + name + ": negative count");
            }
        }
    }

    public DatasetManifest {
        requireNonNull(format, "format is null");
        requireNonNull(tokenizer, "tokenizer is null");
        requireNonNull(tokenizerSha256, "tokenizer_sha256 is null");
        requireNonNull(tokenType, "token_type is null");
        shards = List.copyOf(requireNonNull(shards, "shards is null"));
    }

    /** A manifest of {@code shards} (in order), with the totals summed from them. */
    public static DatasetManifest of(String source, String tokenizerSha256, int vocabularySize, List<Shard> shards) {
        long d = 0;
        long s = 0;
        long t = 0;
        for (Shard shard : shards) {
            d += shard.documents();
            s += shard.sentences();
            t += shard.tokens();
        }
        return new DatasetManifest(FORMAT, FORMAT_VERSION, source, ShardFiles.TOKENIZER, tokenizerSha256, vocabularySize,
                TokenType.forVocabulary(vocabularySize).name().toLowerCase(java.util.Locale.ROOT), d, s, t, shards);
    }

    /** The storage type of the tokens. */
    public TokenType type() {
        return TokenType.valueOf(tokenType.toUpperCase(java.util.Locale.ROOT));
    }

    /** Writes this manifest as indented JSON; leaves {@code out} open. */
    public void write(OutputStream out) throws IOException {
        out.write(JSON.writeValueAsBytes(this));
    }

    /** Reads a manifest; {@code file} names it in the message of a malformed one. */
    public static DatasetManifest read(InputStream in, String file) {
        DatasetManifest m;
        try {
            m = JSON.readValue(in, DatasetManifest.class);
        } catch (JsonProcessingException e) {
            throw new CorpusException(file + ": not a prepared-dataset manifest: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new CorpusException(file + ": cannot read: " + e.getMessage());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new CorpusException(file + ": " + e.getMessage());
        }
        if (!FORMAT.equals(m.format())) {
            throw new CorpusException(file + ": format '" + m.format() + "' is not " + FORMAT);
        }
        if (m.formatVersion() != FORMAT_VERSION) {
            throw new CorpusException(file + ": format version " + m.formatVersion() + " is not supported (this pretrain4j reads "
                    + FORMAT_VERSION + ")");
        }
        try {
            if (m.type() != TokenType.forVocabulary(m.vocabularySize())) {
                throw new CorpusException(file + ": token type " + m.tokenType() + " does not fit vocabulary size "
                        + m.vocabularySize());
            }
        } catch (IllegalArgumentException e) {
            throw new CorpusException(file + ": unknown token type '" + m.tokenType() + "' (uint16 or int32)");
        }
        return m;
    }
}

package org.pretrain4j.text;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A trained tokenizer: WordPiece or byte-level BPE, saved and loaded as Hugging Face
 * {@code tokenizer.json}. Implementations are immutable and safe to use from many threads.
 */
public interface Tokenizer {
    /** Which kind of tokenizer this is. */
    Kind kind();

    /** Number of ids (every id is in {@code [0, vocabularySize())}). */
    int vocabularySize();

    /** The special-token ids of this vocabulary. */
    SpecialTokens specialTokens();

    /** Returns the id of a token string, or -1 if it is not in the vocabulary. */
    int tokenToId(String token);

    /** Returns the token string of an id; throws IllegalArgumentException when out of range. */
    String idToToken(int id);

    /** Encodes text without adding special tokens; never returns null. */
    Encoding encode(String text);

    /** Encodes many texts, in order, using all cores. */
    List<Encoding> encodeBatch(List<String> texts);

    /** Encodes text as the exported model sees it: with the post-processor's special tokens ([CLS] a [SEP]). */
    Encoding encodeForModel(String text);

    /** Decodes ids back to text, skipping special tokens. */
    String decode(int[] ids);

    /** Writes this tokenizer as a Hugging Face {@code tokenizer.json}. */
    void save(Path tokenizerJson) throws IOException;

    /** The two kinds. */
    enum Kind {
        WORDPIECE,
        BYTE_LEVEL_BPE
    }
}

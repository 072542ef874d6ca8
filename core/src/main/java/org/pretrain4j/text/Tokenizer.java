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

    /**
     * Encodes a pair as the exported model sees it: {@code [CLS] a [SEP] b [SEP]} with type ids 0 0 0 1 1
     * when the vocabulary has [CLS] and [SEP], otherwise {@code a b} (byte-level BPE) with type ids 0 then 1.
     */
    default PairEncoding encodePairForModel(String a, String b) {
        SpecialTokens special = specialTokens();
        Encoding ea = encode(a);
        Encoding eb = encode(b);
        boolean template = special.cls() >= 0 && special.sep() >= 0;
        int n = ea.length() + eb.length() + (template ? 3 : 0);
        int[] ids = new int[n];
        int[] starts = new int[n];
        int[] ends = new int[n];
        boolean[] wordStarts = new boolean[n];
        int[] types = new int[n];
        int k = 0;
        if (template) {
            ids[k] = special.cls();
            wordStarts[k++] = true;
        }
        for (int i = 0; i < ea.length(); i++, k++) {
            ids[k] = ea.ids()[i];
            starts[k] = ea.starts()[i];
            ends[k] = ea.ends()[i];
            wordStarts[k] = ea.wordStarts()[i];
        }
        if (template) {
            ids[k] = special.sep();
            wordStarts[k++] = true;
        }
        for (int i = 0; i < eb.length(); i++, k++) {
            ids[k] = eb.ids()[i];
            starts[k] = eb.starts()[i];
            ends[k] = eb.ends()[i];
            wordStarts[k] = eb.wordStarts()[i];
            types[k] = 1;
        }
        if (template) {
            ids[k] = special.sep();
            wordStarts[k] = true;
            types[k] = 1;
        }
        return new PairEncoding(new Encoding(ids, starts, ends, wordStarts), types);
    }

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

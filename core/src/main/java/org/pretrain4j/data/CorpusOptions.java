package org.pretrain4j.data;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * How to read corpus files. {@code format} null means by file name ({@link CorpusFormat#forFile},
 * BERT format otherwise); {@code jsonField} is the JSON Lines text field; {@code replaceMalformed}
 * turns invalid UTF-8 into U+FFFD instead of failing; {@code maxLineChars} bounds memory (a longer
 * line fails naming file and line); {@code sentenceLocale} drives sentence splitting.
 */
public record CorpusOptions(CorpusFormat format, String jsonField, boolean replaceMalformed, int maxLineChars, Locale sentenceLocale) {
    /** 4 Mi characters: far above real text lines, far below a heap. */
    public static final int DEFAULT_MAX_LINE_CHARS = 1 << 22;

    public CorpusOptions {
        requireNonNull(jsonField, "jsonField is null");
        requireNonNull(sentenceLocale, "sentenceLocale is null");
        if (maxLineChars < 1) {
            throw new IllegalArgumentException("maximum line length must be positive: " + maxLineChars);
        }
    }

    /** Format from the file name (BERT for text files), field "text", strict UTF-8, English sentence rules. */
    public static CorpusOptions defaults() {
        return new CorpusOptions(null, "text", false, DEFAULT_MAX_LINE_CHARS, Locale.ENGLISH);
    }

    public CorpusOptions withFormat(CorpusFormat f) {
        return new CorpusOptions(f, jsonField, replaceMalformed, maxLineChars, sentenceLocale);
    }

    public CorpusOptions withJsonField(String field) {
        return new CorpusOptions(format, field, replaceMalformed, maxLineChars, sentenceLocale);
    }

    public CorpusOptions withReplaceMalformed(boolean replace) {
        return new CorpusOptions(format, jsonField, replace, maxLineChars, sentenceLocale);
    }
}

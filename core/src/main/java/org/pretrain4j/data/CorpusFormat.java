package org.pretrain4j.data;

import java.nio.file.Path;
import java.util.Locale;

/** How a corpus file is laid out. */
public enum CorpusFormat {
    /** google-BERT: one sentence per line, a blank line between documents. */
    BERT,
    /** Plain text: paragraphs (separated by blank lines) are documents, sentences found with BreakIterator. */
    TEXT,
    /** JSON Lines: one document per line, its text in a configurable string field. */
    JSONL,
    /** Lucene's Europarl lines: one document per line, title TAB date TAB body. */
    EUROPARL;

    /** The format a file name implies: *.jsonl / *.json (optionally .gz) are JSON Lines, anything else {@code fallback}. */
    public static CorpusFormat forFile(Path file, CorpusFormat fallback) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".gz")) {
            name = name.substring(0, name.length() - 3);
        }
        if (name.endsWith(".jsonl") || name.endsWith(".json") || name.endsWith(".ndjson")) {
            return JSONL;
        }
        return fallback;
    }

    /** Parses a user's option value, case-insensitively, naming the choices on failure. */
    public static CorpusFormat parse(String value) {
        for (CorpusFormat f : values()) {
            if (f.name().equalsIgnoreCase(value.trim())) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown corpus format '" + value + "'; choose one of bert, text, jsonl, europarl");
    }
}

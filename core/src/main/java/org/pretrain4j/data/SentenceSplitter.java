package org.pretrain4j.data;

import java.text.BreakIterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Splits text into trimmed, non-empty sentences with {@link BreakIterator}, then re-joins breaks
 * that follow a common abbreviation ("Mr.", "Dr.", "e.g.") or a single letter ("J. Smith"), which
 * BreakIterator takes for sentence ends. One per thread.
 */
final class SentenceSplitter {
    /** Abbreviations that rarely end a sentence (so not "etc", "no", "art"). */
    private static final Set<String> ABBREVIATIONS = Set.of("mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "vs", "e.g", "i.e",
            "cf", "fig", "vol", "approx", "dept", "inc", "ltd", "mt", "pp", "nr");

    private final BreakIterator iterator;

    SentenceSplitter(Locale locale) {
        this.iterator = BreakIterator.getSentenceInstance(locale);
    }

    void split(String text, List<String> out) {
        iterator.setText(text);
        int start = iterator.first();
        int sentenceStart = start;
        for (int end = iterator.next(); end != BreakIterator.DONE; start = end, end = iterator.next()) {
            if (end < text.length() && endsWithAbbreviation(text, sentenceStart, end)) {
                continue;
            }
            String s = text.substring(sentenceStart, end).strip();
            if (!s.isEmpty()) {
                out.add(s);
            }
            sentenceStart = end;
        }
    }

    /** True when text[from, to) ends with "abbreviation." followed only by spaces. */
    static boolean endsWithAbbreviation(String text, int from, int to) {
        int e = to;
        while (e > from && Character.isWhitespace(text.charAt(e - 1))) {
            e--;
        }
        if (e <= from || text.charAt(e - 1) != '.') {
            return false;
        }
        int wordEnd = e - 1;
        int w = wordEnd;
        while (w > from && (Character.isLetter(text.charAt(w - 1)) || text.charAt(w - 1) == '.')) {
            w--;
        }
        if (w == wordEnd) {
            return false;
        }
        String word = text.substring(w, wordEnd);
        if (word.length() == 1 && Character.isUpperCase(word.charAt(0))) {
            return true;
        }
        return ABBREVIATIONS.contains(word.toLowerCase(Locale.ROOT));
    }
}

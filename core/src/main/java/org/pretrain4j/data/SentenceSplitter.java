package org.pretrain4j.data;

import java.text.BreakIterator;
import java.util.List;
import java.util.Locale;

/** Splits text into trimmed, non-empty sentences with {@link BreakIterator}. One per thread. */
final class SentenceSplitter {
    private final BreakIterator iterator;

    SentenceSplitter(Locale locale) {
        this.iterator = BreakIterator.getSentenceInstance(locale);
    }

    void split(String text, List<String> out) {
        iterator.setText(text);
        int start = iterator.first();
        for (int end = iterator.next(); end != BreakIterator.DONE; start = end, end = iterator.next()) {
            String s = text.substring(start, end).strip();
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
    }
}

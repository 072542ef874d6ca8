package org.pretrain4j.text;

import java.text.Normalizer;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The BERT normaliser as Hugging Face tokenizers runs it: drop control characters and map
 * whitespace to a space ({@code cleanText}), put spaces around CJK ideographs, strip accents
 * (NFD, then drop non-spacing marks) and lower-case, in that order, keeping each output code point
 * aligned to its original character so that offsets point into the user's string.
 */
record BertNormalizer(boolean cleanText, boolean handleChineseChars, boolean stripAccents, boolean lowercase) {

    /** Per-code-point results of accent stripping and lower-casing for the BMP, filled lazily. */
    private static final AtomicReferenceArray<int[]> STRIP_LOWER = new AtomicReferenceArray<>(0x10000);
    private static final AtomicReferenceArray<int[]> STRIP = new AtomicReferenceArray<>(0x10000);
    private static final AtomicReferenceArray<int[]> LOWER = new AtomicReferenceArray<>(0x10000);

    /** Appends the normalized form of {@code text[from, to)} to {@code out}. */
    void normalize(String text, int from, int to, NormalizedText out) {
        int i = from;
        while (i < to) {
            int c = text.codePointAt(i);
            int n = Character.charCount(c);
            int end = i + n;
            if (cleanText) {
                if (c == 0 || c == 0xFFFD || CharClasses.isControl(c)) {
                    i = end;
                    continue;
                }
                if (CharClasses.isWhitespace(c)) {
                    c = ' ';
                }
            }
            if (c < 0x80) {
                if (lowercase && c >= 'A' && c <= 'Z') {
                    c += 32;
                }
                out.add(c, i, end);
            } else if (handleChineseChars && CharClasses.isChinese(c)) {
                out.add(' ', i, end);
                out.add(c, i, end);
                out.add(' ', i, end);
            } else if (!stripAccents && !lowercase) {
                out.add(c, i, end);
            } else {
                for (int m : mapped(c)) {
                    out.add(m, i, end);
                }
            }
            i = end;
        }
    }

    private int[] mapped(int c) {
        AtomicReferenceArray<int[]> cache = stripAccents ? (lowercase ? STRIP_LOWER : STRIP) : LOWER;
        if (c < 0x10000) {
            int[] r = cache.get(c);
            if (r == null) {
                r = compute(c);
                cache.set(c, r);
            }
            return r;
        }
        return compute(c);
    }

    private int[] compute(int c) {
        String s = new String(Character.toChars(c));
        if (stripAccents) {
            String d = Normalizer.normalize(s, Normalizer.Form.NFD);
            StringBuilder kept = new StringBuilder(d.length());
            d.codePoints().filter(x -> Character.getType(x) != Character.NON_SPACING_MARK).forEach(kept::appendCodePoint);
            s = kept.toString();
        }
        if (lowercase) {
            StringBuilder lower = new StringBuilder(s.length() + 1);
            // Rust's char::to_lowercase: the full (unconditional) mapping; only U+0130 expands.
            s.codePoints().forEach(x -> {
                if (x == 0x130) {
                    lower.append("i\u0307");
                } else {
                    lower.appendCodePoint(Character.toLowerCase(x));
                }
            });
            s = lower.toString();
        }
        return s.codePoints().toArray();
    }
}

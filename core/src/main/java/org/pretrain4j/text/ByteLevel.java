package org.pretrain4j.text;

/**
 * GPT-2's byte-level pieces: the reversible byte-to-character table and the pre-tokenisation
 * pattern {@code 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+},
 * hand-coded for speed (same matches as the regex with Unicode classes, as Oniguruma runs it).
 */
final class ByteLevel {
    /** Byte value to its printable stand-in character. */
    static final char[] BYTE_TO_CHAR = new char[256];
    /** Stand-in character to byte value, -1 where none. */
    static final int[] CHAR_TO_BYTE = new int[512];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        boolean[] direct = new boolean[256];
        for (int b = '!'; b <= '~'; b++) {
            direct[b] = true;
        }
        for (int b = 0xA1; b <= 0xAC; b++) {
            direct[b] = true;
        }
        for (int b = 0xAE; b <= 0xFF; b++) {
            direct[b] = true;
        }
        int next = 256;
        for (int b = 0; b < 256; b++) {
            char c = direct[b] ? (char) b : (char) next++;
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteLevel() {
    }

    /** Receives pre-tokens as UTF-16 ranges of the text. */
    interface Sink {
        void piece(int from, int to);
    }

    private static final int OTHER = 0;
    private static final int LETTER = 1;
    private static final int NUMBER = 2;
    private static final int SPACE = 3;

    private static int classOf(int c) {
        if (CharClasses.isWhitespace(c)) {
            return SPACE;
        }
        if (CharClasses.isLetter(c)) {
            return LETTER;
        }
        if (CharClasses.isNumber(c)) {
            return NUMBER;
        }
        return OTHER;
    }

    /** Splits {@code text[from, to)} into GPT-2 pre-tokens. */
    static void split(String text, int from, int to, Sink sink) {
        int i = from;
        while (i < to) {
            int c = text.codePointAt(i);
            if (c == '\'' && i + 1 < to) {
                int len = contraction(text, i, to);
                if (len > 0) {
                    sink.piece(i, i + len);
                    i += len;
                    continue;
                }
            }
            int cls = classOf(c);
            int runStart = i;
            if (c == ' ' && i + 1 < to) {
                int next = text.codePointAt(i + 1);
                int nextCls = classOf(next);
                if (nextCls != SPACE) {
                    cls = nextCls;
                    runStart = i + 1;
                }
            }
            if (cls != SPACE) {
                int j = runStart;
                while (j < to) {
                    int d = text.codePointAt(j);
                    if (classOf(d) != cls) {
                        break;
                    }
                    j += Character.charCount(d);
                }
                sink.piece(i, j);
                i = j;
                continue;
            }
            int j = i;
            int last = i;
            while (j < to) {
                int d = text.codePointAt(j);
                if (!CharClasses.isWhitespace(d)) {
                    break;
                }
                last = j;
                j += Character.charCount(d);
            }
            if (j == to || last == i) {
                // \s+(?!\S) at the end, or a single whitespace before a non-space (\s+)
                sink.piece(i, j);
                i = j;
            } else {
                // \s+(?!\S): leave the last whitespace character for the next word
                sink.piece(i, last);
                i = last;
            }
        }
    }

    private static int contraction(String text, int i, int to) {
        char a = text.charAt(i + 1);
        if (a == 's' || a == 't' || a == 'm' || a == 'd') {
            return 2;
        }
        if (i + 2 < to) {
            char b = text.charAt(i + 2);
            if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) {
                return 3;
            }
        }
        return 0;
    }
}

package org.pretrain4j.text;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Finds the special (added) tokens in raw text before normalisation, as Hugging Face does: the
 * leftmost match wins, the longest among those starting at the same place. A token marked
 * {@code lstrip} (RoBERTa's {@code <mask>}) also takes the whitespace before it, {@code rstrip} the
 * whitespace after it, so that {@code "a <mask>"} does not encode the space. Immutable.
 */
final class AddedTokens {
    /** Receives the pieces of a text in order: plain text ({@code id} -1) or one added token. */
    interface Sink {
        void piece(int from, int to, int id);
    }

    private final String[] contents;
    private final int[] ids;
    private final boolean[] firstChars = new boolean[0x10000];
    private final boolean[] lstrip;
    private final boolean[] rstrip;

    AddedTokens(Map<String, Integer> tokens) {
        this(tokens, java.util.Set.of(), java.util.Set.of());
    }

    AddedTokens(Map<String, Integer> tokens, java.util.Set<String> lstripTokens, java.util.Set<String> rstripTokens) {
        List<Map.Entry<String, Integer>> sorted = new ArrayList<>(tokens.entrySet());
        sorted.removeIf(e -> e.getKey().isEmpty());
        sorted.sort(Comparator.comparingInt((Map.Entry<String, Integer> e) -> e.getKey().length()).reversed()
                .thenComparing(Map.Entry::getKey));
        contents = new String[sorted.size()];
        ids = new int[sorted.size()];
        lstrip = new boolean[sorted.size()];
        rstrip = new boolean[sorted.size()];
        for (int i = 0; i < contents.length; i++) {
            contents[i] = sorted.get(i).getKey();
            ids[i] = sorted.get(i).getValue();
            lstrip[i] = lstripTokens.contains(contents[i]);
            rstrip[i] = rstripTokens.contains(contents[i]);
            firstChars[contents[i].charAt(0)] = true;
        }
    }

    void split(String text, Sink sink) {
        int n = text.length();
        int plainStart = 0;
        if (contents.length > 0) {
            for (int i = 0; i < n; i++) {
                if (!firstChars[text.charAt(i)]) {
                    continue;
                }
                for (int t = 0; t < contents.length; t++) {
                    if (text.startsWith(contents[t], i)) {
                        int start = i;
                        if (lstrip[t]) {
                            while (start > plainStart && Character.isWhitespace(text.charAt(start - 1))) {
                                start--;
                            }
                        }
                        if (plainStart < start) {
                            sink.piece(plainStart, start, -1);
                        }
                        int end = i + contents[t].length();
                        if (rstrip[t]) {
                            while (end < n && Character.isWhitespace(text.charAt(end))) {
                                end++;
                            }
                        }
                        sink.piece(start, end, ids[t]);
                        plainStart = end;
                        i = end - 1;
                        break;
                    }
                }
            }
        }
        if (plainStart < n) {
            sink.piece(plainStart, n, -1);
        }
    }
}

package org.pretrain4j.text;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Finds the special (added) tokens in raw text before normalisation, as Hugging Face does: the
 * leftmost match wins, the longest among those starting at the same place. Immutable.
 */
final class AddedTokens {
    /** Receives the pieces of a text in order: plain text ({@code id} -1) or one added token. */
    interface Sink {
        void piece(int from, int to, int id);
    }

    private final String[] contents;
    private final int[] ids;
    private final boolean[] firstChars = new boolean[0x10000];

    AddedTokens(Map<String, Integer> tokens) {
        List<Map.Entry<String, Integer>> sorted = new ArrayList<>(tokens.entrySet());
        sorted.removeIf(e -> e.getKey().isEmpty());
        sorted.sort(Comparator.comparingInt((Map.Entry<String, Integer> e) -> e.getKey().length()).reversed()
                .thenComparing(Map.Entry::getKey));
        contents = new String[sorted.size()];
        ids = new int[sorted.size()];
        for (int i = 0; i < contents.length; i++) {
            contents[i] = sorted.get(i).getKey();
            ids[i] = sorted.get(i).getValue();
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
                        if (plainStart < i) {
                            sink.piece(plainStart, i, -1);
                        }
                        int end = i + contents[t].length();
                        sink.piece(i, end, ids[t]);
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

package org.pretrain4j.testkit;

import java.util.ArrayList;
import java.util.List;
import org.pretrain4j.data.Example;
import org.pretrain4j.data.RandomSource;
import org.pretrain4j.text.Encoding;
import org.pretrain4j.text.SpecialTokens;
import org.pretrain4j.text.Tokenizer;

/**
 * Simple example builders for the kits, independent of the real ones in core: packed blocks and
 * {@code [CLS] A [SEP] B [SEP]} sentence pairs. Special tokens are marked special and start a word.
 */
public final class FakeExamples {
    private FakeExamples() {}

    /**
     * Packed blocks of at most {@code length} tokens: documents joined by a separator ([SEP] for
     * WordPiece, end of text for BPE); WordPiece blocks start with [CLS]. The last block may be shorter.
     */
    public static List<Example> packed(Tokenizer tokenizer, List<List<String>> documents, int length) {
        SpecialTokens st = tokenizer.specialTokens();
        boolean wordPiece = st.cls() >= 0;
        int separator = wordPiece ? st.sep() : st.eos();
        List<Integer> ids = new ArrayList<>();
        List<Boolean> starts = new ArrayList<>();
        for (List<String> doc : documents) {
            for (String sentence : doc) {
                Encoding e = tokenizer.encode(sentence);
                for (int i = 0; i < e.length(); i++) {
                    ids.add(e.ids()[i]);
                    starts.add(e.wordStarts()[i]);
                }
            }
            ids.add(separator);
            starts.add(true);
        }
        List<Example> out = new ArrayList<>();
        int content = wordPiece ? length - 1 : length;
        for (int from = 0; from < ids.size(); from += content) {
            int to = Math.min(ids.size(), from + content);
            int n = (to - from) + (wordPiece ? 1 : 0);
            int[] tokens = new int[n];
            boolean[] wordStarts = new boolean[n];
            int k = 0;
            if (wordPiece) {
                tokens[k] = st.cls();
                wordStarts[k++] = true;
            }
            for (int i = from; i < to; i++, k++) {
                tokens[k] = ids.get(i);
                wordStarts[k] = starts.get(i);
            }
            out.add(new Example(out.size(), tokens, new int[n], specialMask(st, tokens), wordStarts, -1));
        }
        return List.copyOf(out);
    }

    /**
     * {@code count} sentence pairs of at most {@code maxLength} tokens: A is the start of a document,
     * B its true continuation (label 0) or, half the time, sentences of another document (label 1).
     */
    public static List<Example> pairs(Tokenizer tokenizer, List<List<String>> documents, int maxLength, long seed, int count) {
        SpecialTokens st = tokenizer.specialTokens();
        if (st.cls() < 0 || st.sep() < 0) {
            throw new IllegalArgumentException("sentence pairs need [CLS] and [SEP]");
        }
        List<List<String>> usable = documents.stream().filter(d -> d.size() >= 2).toList();
        if (usable.size() < 2) {
            throw new IllegalArgumentException("sentence pairs need two documents of two sentences or more");
        }
        List<Example> out = new ArrayList<>();
        for (int e = 0; e < count; e++) {
            RandomSource r = RandomSource.of(seed, 0, e).fork("pairs");
            int d = e % usable.size();
            List<String> doc = usable.get(d);
            int split = r.nextInt(1, doc.size());
            List<String> a = doc.subList(0, split);
            List<String> b;
            int label = r.nextInt(2);
            if (label == 0) {
                b = doc.subList(split, doc.size());
            } else {
                int other = r.nextInt(usable.size() - 1);
                List<String> otherDoc = usable.get(other >= d ? other + 1 : other);
                b = otherDoc.subList(r.nextInt(otherDoc.size()), otherDoc.size());
            }
            Encoding ea = tokenizer.encode(String.join(" ", a));
            Encoding eb = tokenizer.encode(String.join(" ", b));
            int lenA = ea.length();
            int lenB = eb.length();
            while (lenA + lenB > maxLength - 3) {
                if (lenA > lenB) {
                    lenA--;
                } else {
                    lenB--;
                }
            }
            int n = lenA + lenB + 3;
            int[] tokens = new int[n];
            int[] segments = new int[n];
            boolean[] wordStarts = new boolean[n];
            tokens[0] = st.cls();
            wordStarts[0] = true;
            System.arraycopy(ea.ids(), 0, tokens, 1, lenA);
            System.arraycopy(ea.wordStarts(), 0, wordStarts, 1, lenA);
            tokens[lenA + 1] = st.sep();
            wordStarts[lenA + 1] = true;
            System.arraycopy(eb.ids(), 0, tokens, lenA + 2, lenB);
            System.arraycopy(eb.wordStarts(), 0, wordStarts, lenA + 2, lenB);
            tokens[n - 1] = st.sep();
            wordStarts[n - 1] = true;
            for (int i = lenA + 2; i < n; i++) {
                segments[i] = 1;
            }
            out.add(new Example(e, tokens, segments, specialMask(st, tokens), wordStarts, label));
        }
        return List.copyOf(out);
    }

    private static boolean[] specialMask(SpecialTokens st, int[] tokens) {
        boolean[] special = new boolean[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            special[i] = st.isSpecial(tokens[i]) && tokens[i] != st.unk();
        }
        return special;
    }
}

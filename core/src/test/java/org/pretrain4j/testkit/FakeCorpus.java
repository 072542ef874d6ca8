package org.pretrain4j.testkit;

import java.util.ArrayList;
import java.util.List;
import org.pretrain4j.data.RandomSource;

/**
 * Small text corpora for the kits: documents as lists of sentences, built from {@link #WORDS}
 * (one token each in {@link FakeTokenizer}) and {@link #RARE_WORDS} (split into letters, so
 * several tokens each). Generated documents are reproducible from their seed.
 */
public final class FakeCorpus {
    /** Words that are single tokens in the fake vocabulary. */
    public static final List<String> WORDS = List.of(
            "the", "a", "cat", "dog", "sat", "on", "mat", "and", "ran", "to", "house", "red", "big", "small",
            "bird", "sang", "in", "tree", "park", "was", "it", "he", "she", "saw", "with", "old", "man", "boy",
            "girl", "ate", "fish", "bread", "went", "home", "at", "night", "day", "sun", "moon", "rain");

    /** Words the fake vocabulary lacks, so they split into several tokens. */
    public static final List<String> RARE_WORDS = List.of("zebra", "quilt", "oxen", "jewel", "vex", "kiwi");

    /** Three short documents written out, for golden tests. */
    public static final List<List<String>> SMALL = List.of(
            List.of("the cat sat on the mat", "the dog ran to the house", "a zebra ate bread"),
            List.of("the bird sang in the tree", "she saw a big red kiwi", "it was night"),
            List.of("the old man went home", "he ate fish and bread", "the sun and the moon", "rain at night"));

    private FakeCorpus() {}

    /** {@code count} generated documents of 2 to 8 sentences each, reproducible from {@code seed}. */
    public static List<List<String>> documents(int count, long seed) {
        List<List<String>> docs = new ArrayList<>();
        for (int d = 0; d < count; d++) {
            RandomSource r = RandomSource.of(seed, 0, d).fork("corpus");
            int sentences = r.nextInt(2, 9);
            List<String> doc = new ArrayList<>();
            for (int s = 0; s < sentences; s++) {
                int words = r.nextInt(3, 13);
                StringBuilder sb = new StringBuilder();
                for (int w = 0; w < words; w++) {
                    if (w > 0) {
                        sb.append(' ');
                    }
                    sb.append(r.nextInt(8) == 0 ? RARE_WORDS.get(r.nextInt(RARE_WORDS.size())) : WORDS.get(r.nextInt(WORDS.size())));
                }
                doc.add(sb.toString());
            }
            docs.add(List.copyOf(doc));
        }
        return List.copyOf(docs);
    }
}

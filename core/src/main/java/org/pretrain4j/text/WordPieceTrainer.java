package org.pretrain4j.text;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.TreeSet;

/**
 * Trains a WordPiece vocabulary: [PAD]=0 [UNK]=1 [CLS]=2 [SEP]=3 [MASK]=4, then every character
 * of the corpus (the word-initial form of each, and the {@code ##} form of those seen inside words), then merged
 * pieces in the order they were learned.
 *
 * <p>Merges are chosen by pair frequency over the word table (what Hugging Face's
 * WordPieceTrainer does: BPE training with the {@code ##} prefix), not by the likelihood score
 * of the original WordPiece paper: frequency is exact under incremental updates, which keeps
 * training of an 8k vocabulary on 20 MB within seconds. Words longer than 100 characters are not
 * counted (they encode as [UNK]).
 */
public final class WordPieceTrainer {
    /**
     * Training options. {@code limitAlphabet} keeps only the most frequent characters (0 = all);
     * words with a dropped character are left out of training and encode as [UNK].
     */
    public record Options(int vocabSize, boolean lowercase, boolean stripAccents, long minFrequency, int limitAlphabet) {
        public Options {
            if (vocabSize < 1) {
                throw new IllegalArgumentException("vocabulary size must be positive: " + vocabSize);
            }
            if (minFrequency < 1) {
                throw new IllegalArgumentException("minimum pair frequency must be at least 1: " + minFrequency);
            }
            if (limitAlphabet < 0) {
                throw new IllegalArgumentException("alphabet limit must be >= 0: " + limitAlphabet);
            }
        }

        /** Lower-casing, accent stripping, pairs seen at least twice, full alphabet. */
        public static Options of(int vocabSize) {
            return new Options(vocabSize, true, true, 2, 0);
        }
    }

    private static final String PREFIX = "##";
    private static final int MAX_WORD = 100;

    private WordPieceTrainer() {
    }

    /** Trains on the texts (each a sentence, line or document), streaming them once. */
    public static WordPieceTokenizer train(Iterable<String> texts, Options options) {
        requireNonNull(texts, "texts is null");
        requireNonNull(options, "options is null");
        return fromCounts(WordCounter.count(texts, wordSplitter(options)), options);
    }

    /**
     * The normalizer and pre-tokenizer that training counts words with, for {@code options}' casing: it
     * calls the consumer with each word of a text. A distributed trainer counts with it where the data
     * is and gives the totals to {@link #train(Map, Options)}. Thread-safe.
     */
    public static BiConsumer<String, Consumer<String>> wordSplitter(Options options) {
        requireNonNull(options, "options is null");
        List<String> specials = WordPieceTokenizer.DEFAULT_SPECIALS;
        WordPieceTokenizer counter = new WordPieceTokenizer(specials, options.lowercase(), options.stripAccents(), "[UNK]",
                PREFIX, MAX_WORD, addedSpecials());
        return counter::words;
    }

    /** Trains from word counts made with {@link #wordSplitter}: the same counts give the same tokenizer as {@link #train(Iterable, Options)}. */
    public static WordPieceTokenizer train(Map<String, Long> wordCounts, Options options) {
        requireNonNull(wordCounts, "wordCounts is null");
        requireNonNull(options, "options is null");
        Map<String, long[]> counts = new HashMap<>();
        wordCounts.forEach((w, c) -> counts.put(w, new long[] {c}));
        return fromCounts(counts, options);
    }

    private static Map<String, Integer> addedSpecials() {
        List<String> specials = WordPieceTokenizer.DEFAULT_SPECIALS;
        Map<String, Integer> added = new LinkedHashMap<>();
        for (int i = 0; i < specials.size(); i++) {
            added.put(specials.get(i), i);
        }
        return added;
    }

    private static WordPieceTokenizer fromCounts(Map<String, long[]> wordCounts, Options options) {
        List<String> specials = WordPieceTokenizer.DEFAULT_SPECIALS;
        Map<String, Integer> added = addedSpecials();

        Map<String, long[]> charCounts = new HashMap<>();
        for (Map.Entry<String, long[]> e : wordCounts.entrySet()) {
            String w = e.getKey();
            if (w.codePointCount(0, w.length()) > MAX_WORD) {
                continue;
            }
            long c = e.getValue()[0];
            int i = 0;
            while (i < w.length()) {
                int cp = w.codePointAt(i);
                String s = new String(Character.toChars(cp));
                // Every character also gets its word-initial form (as Hugging Face's trainer does), so a word
                // that starts with a character seen only inside words still encodes.
                charCounts.computeIfAbsent(s, k -> new long[1])[0] += c;
                if (i > 0) {
                    charCounts.computeIfAbsent(PREFIX + s, k -> new long[1])[0] += c;
                }
                i += Character.charCount(cp);
            }
        }
        TreeSet<String> alphabet = new TreeSet<>(charCounts.keySet());
        if (options.limitAlphabet() > 0) {
            List<String> byFrequency = new ArrayList<>(alphabet);
            byFrequency.sort((x, y) -> Long.compare(charCounts.get(y)[0], charCounts.get(x)[0]));
            alphabet = new TreeSet<>(byFrequency.subList(0, Math.min(options.limitAlphabet(), byFrequency.size())));
        }
        int minimum = specials.size() + alphabet.size();
        if (options.vocabSize() < minimum) {
            throw new IllegalArgumentException("vocabulary size " + options.vocabSize() + " is smaller than the "
                    + specials.size() + " special tokens plus the " + alphabet.size()
                    + " characters of the corpus alphabet (" + minimum + "); raise the vocabulary size to at least "
                    + minimum + " or limit the alphabet");
        }
        List<String> initial = new ArrayList<>(specials);
        initial.addAll(alphabet);
        Map<String, Integer> symbolIds = new HashMap<>();
        for (int i = 0; i < initial.size(); i++) {
            symbolIds.put(initial.get(i), i);
        }
        List<int[]> words = new ArrayList<>(wordCounts.size());
        List<Long> counts = new ArrayList<>(wordCounts.size());
        List<String> sortedWords = new ArrayList<>(wordCounts.keySet());
        sortedWords.sort(null); // deterministic word order, so ties break the same way every run
        for (String w : sortedWords) {
            int n = w.codePointCount(0, w.length());
            if (n > MAX_WORD) {
                continue;
            }
            int[] symbols = new int[n];
            int i = 0;
            int k = 0;
            boolean ok = true;
            while (i < w.length()) {
                int cp = w.codePointAt(i);
                String s = new String(Character.toChars(cp));
                Integer id = symbolIds.get(i == 0 ? s : PREFIX + s);
                if (id == null) {
                    ok = false;
                    break;
                }
                symbols[k++] = id;
                i += Character.charCount(cp);
            }
            if (ok) {
                words.add(symbols);
                counts.add(wordCounts.get(w)[0]);
            }
        }
        long[] countArray = counts.stream().mapToLong(Long::longValue).toArray();
        PairMerger merger = new PairMerger(initial, words.toArray(new int[0][]), countArray,
                (a, b) -> a + (b.startsWith(PREFIX) ? b.substring(PREFIX.length()) : b));
        merger.run(options.vocabSize(), options.minFrequency());
        return new WordPieceTokenizer(merger.symbols(), options.lowercase(), options.stripAccents(), "[UNK]", PREFIX,
                MAX_WORD, added);
    }
}

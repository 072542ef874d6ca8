package org.pretrain4j.text;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Trains a byte-level BPE vocabulary: {@code <|endoftext|>}=0, the 256 byte characters (so every
 * text encodes without an unknown token), then merges by pair frequency over the word table.
 */
public final class BpeTrainer {
    /** Training options: target vocabulary size (including the 257 fixed tokens) and the minimum pair frequency. */
    public record Options(int vocabSize, long minFrequency) {
        public Options {
            if (vocabSize < 1) {
                throw new IllegalArgumentException("vocabulary size must be positive: " + vocabSize);
            }
            if (minFrequency < 1) {
                throw new IllegalArgumentException("minimum pair frequency must be at least 1: " + minFrequency);
            }
        }

        public static Options of(int vocabSize) {
            return new Options(vocabSize, 2);
        }
    }

    private BpeTrainer() {
    }

    /** Trains on the texts (each a sentence, line or document), streaming them once. */
    public static ByteLevelBpeTokenizer train(Iterable<String> texts, Options options) {
        requireNonNull(texts, "texts is null");
        requireNonNull(options, "options is null");
        return fromCounts(WordCounter.count(texts, wordSplitter()), options);
    }

    /**
     * The pre-tokenizer that training counts words with: it calls the consumer with each word of a text.
     * A distributed trainer counts with it where the data is and gives the totals to {@link #train(Map, Options)}.
     * Thread-safe.
     */
    public static BiConsumer<String, Consumer<String>> wordSplitter() {
        return counter()::words;
    }

    /** Trains from word counts made with {@link #wordSplitter()}: the same counts give the same tokenizer as {@link #train(Iterable, Options)}. */
    public static ByteLevelBpeTokenizer train(Map<String, Long> wordCounts, Options options) {
        requireNonNull(wordCounts, "wordCounts is null");
        requireNonNull(options, "options is null");
        Map<String, long[]> counts = new java.util.HashMap<>();
        wordCounts.forEach((w, c) -> counts.put(w, new long[] {c}));
        return fromCounts(counts, options);
    }

    private static ByteLevelBpeTokenizer counter() {
        List<String> initial = initialSymbols();
        return new ByteLevelBpeTokenizer(initial, List.of(), Map.of(ByteLevelBpeTokenizer.END_OF_TEXT, 0));
    }

    private static List<String> initialSymbols() {
        List<String> initial = new ArrayList<>(257);
        initial.add(ByteLevelBpeTokenizer.END_OF_TEXT);
        for (int b = 0; b < 256; b++) {
            initial.add(String.valueOf(ByteLevel.BYTE_TO_CHAR[b]));
        }
        return initial;
    }

    private static ByteLevelBpeTokenizer fromCounts(Map<String, long[]> wordCounts, Options options) {
        List<String> initial = initialSymbols();
        if (options.vocabSize() < initial.size()) {
            throw new IllegalArgumentException("vocabulary size " + options.vocabSize()
                    + " is smaller than the 1 special token plus the 256 byte tokens of byte-level BPE (257); "
                    + "raise the vocabulary size to at least 257");
        }
        Map<String, Integer> added = Map.of(ByteLevelBpeTokenizer.END_OF_TEXT, 0);
        List<String> sortedWords = new ArrayList<>(wordCounts.keySet());
        sortedWords.sort(null);
        int[][] words = new int[sortedWords.size()][];
        long[] counts = new long[sortedWords.size()];
        for (int w = 0; w < words.length; w++) {
            String s = sortedWords.get(w);
            int[] symbols = new int[s.length()];
            for (int k = 0; k < s.length(); k++) {
                symbols[k] = 1 + ByteLevel.CHAR_TO_BYTE[s.charAt(k)];
            }
            words[w] = symbols;
            counts[w] = wordCounts.get(s)[0];
        }
        PairMerger merger = new PairMerger(initial, words, counts, String::concat);
        merger.run(options.vocabSize(), options.minFrequency());
        List<String> symbols = merger.symbols();
        List<String[]> merges = new ArrayList<>(merger.merges().size());
        for (int[] m : merger.merges()) {
            merges.add(new String[] {symbols.get(m[0]), symbols.get(m[1])});
        }
        return new ByteLevelBpeTokenizer(symbols, merges, added);
    }
}

package org.pretrain4j.text;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

/**
 * BERT's WordPiece as Hugging Face tokenizers runs it: BertNormalizer, BertPreTokenizer
 * (whitespace split, each punctuation character its own word), greedy longest-match-first with the
 * {@code ##} continuation prefix, a word longer than {@link #maxInputCharsPerWord()} or with an
 * unknown piece becomes one {@code [UNK]}. Special tokens in the raw text ("[MASK]") are recognised
 * before normalisation, as Hugging Face does. Immutable and thread-safe.
 */
public final class WordPieceTokenizer implements Tokenizer {
    /** The special tokens of a vocabulary we train, in id order 0..4. */
    public static final List<String> DEFAULT_SPECIALS = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]");

    private static final int CACHE_LIMIT = 200_000;
    private static final ThreadLocal<NormalizedText> SCRATCH = ThreadLocal.withInitial(NormalizedText::new);

    private final List<String> vocab;
    private final Map<String, Integer> ids;
    private final Map<String, Integer> continuations;
    private final BertNormalizer normalizer;
    private final String unkToken;
    private final int unkId;
    private final String prefix;
    private final int maxInputCharsPerWord;
    private final Map<String, Integer> addedTokens;
    private final Set<Integer> specialIds;
    private final AddedTokens splitter;
    private final SpecialTokens specialTokens;
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    /**
     * Creates a tokenizer over {@code vocab} (index = id). {@code addedTokens} maps special token
     * strings to ids; they are matched in raw text and skipped by {@link #decode}.
     */
    public WordPieceTokenizer(List<String> vocab, boolean lowercase, boolean stripAccents, String unkToken,
            String continuingSubwordPrefix, int maxInputCharsPerWord, Map<String, Integer> addedTokens) {
        this(vocab, new BertNormalizer(true, true, stripAccents, lowercase), unkToken, continuingSubwordPrefix,
                maxInputCharsPerWord, addedTokens);
    }

    WordPieceTokenizer(List<String> vocab, BertNormalizer normalizer, String unkToken, String continuingSubwordPrefix,
            int maxInputCharsPerWord, Map<String, Integer> addedTokens) {
        this.vocab = List.copyOf(vocab);
        this.normalizer = requireNonNull(normalizer, "normalizer is null");
        this.unkToken = requireNonNull(unkToken, "unkToken is null");
        this.prefix = requireNonNull(continuingSubwordPrefix, "continuingSubwordPrefix is null");
        if (maxInputCharsPerWord < 1) {
            throw new IllegalArgumentException("maxInputCharsPerWord must be positive: " + maxInputCharsPerWord);
        }
        this.maxInputCharsPerWord = maxInputCharsPerWord;
        Map<String, Integer> map = new HashMap<>(this.vocab.size() * 2);
        Map<String, Integer> cont = new HashMap<>();
        for (int i = 0; i < this.vocab.size(); i++) {
            String token = this.vocab.get(i);
            if (map.putIfAbsent(token, i) != null) {
                throw new IllegalArgumentException("vocabulary has token '" + token + "' twice (ids " + map.get(token) + " and " + i + ")");
            }
            if (!prefix.isEmpty() && token.startsWith(prefix) && token.length() > prefix.length()) {
                cont.put(token.substring(prefix.length()), i);
            }
        }
        this.ids = map;
        this.continuations = cont;
        Integer unk = map.get(unkToken);
        if (unk == null) {
            throw new IllegalArgumentException("unknown token '" + unkToken + "' is not in the vocabulary");
        }
        this.unkId = unk;
        this.addedTokens = Collections.unmodifiableMap(new LinkedHashMap<>(addedTokens));
        for (Map.Entry<String, Integer> e : this.addedTokens.entrySet()) {
            if (e.getValue() < 0 || e.getValue() >= this.vocab.size()) {
                throw new IllegalArgumentException("added token '" + e.getKey() + "' has id " + e.getValue()
                        + " outside the vocabulary of " + this.vocab.size());
            }
        }
        this.specialIds = Set.copyOf(new HashSet<>(this.addedTokens.values()));
        this.splitter = new AddedTokens(this.addedTokens);
        this.specialTokens = new SpecialTokens(idOf("[PAD]"), unkId, idOf("[CLS]"), idOf("[SEP]"), idOf("[MASK]"), -1, -1);
    }

    private int idOf(String token) {
        Integer id = ids.get(token);
        return id == null ? -1 : id;
    }

    @Override
    public Kind kind() {
        return Kind.WORDPIECE;
    }

    @Override
    public int vocabularySize() {
        return vocab.size();
    }

    @Override
    public SpecialTokens specialTokens() {
        return specialTokens;
    }

    @Override
    public int tokenToId(String token) {
        return idOf(token);
    }

    @Override
    public String idToToken(int id) {
        if (id < 0 || id >= vocab.size()) {
            throw new IllegalArgumentException("id " + id + " outside vocabulary of " + vocab.size());
        }
        return vocab.get(id);
    }

    /** The vocabulary, index = id. */
    public List<String> vocabulary() {
        return vocab;
    }

    public boolean lowercase() {
        return normalizer.lowercase();
    }

    public boolean stripAccents() {
        return normalizer.stripAccents();
    }

    BertNormalizer normalizer() {
        return normalizer;
    }

    public String unkToken() {
        return unkToken;
    }

    public String continuingSubwordPrefix() {
        return prefix;
    }

    public int maxInputCharsPerWord() {
        return maxInputCharsPerWord;
    }

    /** Special token strings and their ids, as written to {@code added_tokens}. */
    public Map<String, Integer> addedTokens() {
        return addedTokens;
    }

    @Override
    public Encoding encode(String text) {
        requireNonNull(text, "text is null");
        EncodingBuilder out = new EncodingBuilder(text.length() / 4 + 4);
        splitter.split(text, (from, to, id) -> {
            if (id >= 0) {
                out.add(id, from, to, true);
            } else {
                encodePlain(text, from, to, out);
            }
        });
        return out.build();
    }

    /** Normalized, pre-tokenized words of a text: what the trainer counts. */
    void words(String text, java.util.function.Consumer<String> sink) {
        splitter.split(text, (from, to, id) -> {
            if (id < 0) {
                NormalizedText nt = SCRATCH.get();
                nt.clear();
                normalizer.normalize(text, from, to, nt);
                forEachWord(nt, (ws, we) -> sink.accept(nt.substring(ws, we)));
            }
        });
    }

    private interface WordSink {
        void word(int start, int end);
    }

    private static void forEachWord(NormalizedText nt, WordSink sink) {
        int wordStart = -1;
        for (int i = 0; i < nt.size; i++) {
            int c = nt.codePoints[i];
            if (CharClasses.isWhitespace(c)) {
                if (wordStart >= 0) {
                    sink.word(wordStart, i);
                    wordStart = -1;
                }
            } else if (CharClasses.isPunctuation(c)) {
                if (wordStart >= 0) {
                    sink.word(wordStart, i);
                    wordStart = -1;
                }
                sink.word(i, i + 1);
            } else if (wordStart < 0) {
                wordStart = i;
            }
        }
        if (wordStart >= 0) {
            sink.word(wordStart, nt.size);
        }
    }

    private void encodePlain(String text, int from, int to, EncodingBuilder out) {
        NormalizedText nt = SCRATCH.get();
        nt.clear();
        normalizer.normalize(text, from, to, nt);
        forEachWord(nt, (ws, we) -> {
            int[] pieces = pieces(nt, ws, we);
            int pos = ws;
            for (int p = 0; p < pieces.length; p += 2) {
                int end = pieces[p + 1] == 0 ? we : pos + pieces[p + 1];
                out.add(pieces[p], nt.starts[pos], nt.ends[end - 1], p == 0);
                pos = end;
            }
        });
    }

    /** Pairs (id, length in code points); a length of 0 means "the whole word" (the [UNK] case). */
    private int[] pieces(NormalizedText nt, int ws, int we) {
        int n = we - ws;
        if (n > maxInputCharsPerWord) {
            return new int[] {unkId, 0};
        }
        String word = nt.substring(ws, we);
        int[] cached = cache.get(word);
        if (cached != null) {
            return cached;
        }
        int[] result = wordPiece(word);
        if (cache.size() >= CACHE_LIMIT) {
            cache.clear();
        }
        cache.put(word, result);
        return result;
    }

    private int[] wordPiece(String word) {
        int cpCount = word.codePointCount(0, word.length());
        int[] out = new int[Math.min(2 * cpCount, 64)];
        int count = 0;
        int start = 0;
        int startCp = 0;
        while (start < word.length()) {
            int end = word.length();
            int endCp = cpCount;
            int found = -1;
            while (start < end) {
                String sub = word.substring(start, end);
                Integer id = start == 0 ? ids.get(sub) : continuations.get(sub);
                if (id != null) {
                    found = id;
                    break;
                }
                end = word.offsetByCodePoints(end, -1);
                endCp--;
            }
            if (found < 0) {
                return new int[] {unkId, 0};
            }
            if (count + 2 > out.length) {
                out = java.util.Arrays.copyOf(out, out.length * 2);
            }
            out[count++] = found;
            out[count++] = endCp - startCp;
            start = end;
            startCp = endCp;
        }
        return java.util.Arrays.copyOf(out, count);
    }

    @Override
    public List<Encoding> encodeBatch(List<String> texts) {
        Encoding[] result = new Encoding[texts.size()];
        IntStream.range(0, texts.size()).parallel().forEach(i -> result[i] = encode(texts.get(i)));
        return List.of(result);
    }

    @Override
    public Encoding encodeForModel(String text) {
        Encoding inner = encode(text);
        if (specialTokens.cls() < 0 || specialTokens.sep() < 0) {
            return inner;
        }
        EncodingBuilder out = new EncodingBuilder(inner.length() + 2);
        out.add(specialTokens.cls(), 0, 0, true);
        out.addAll(inner);
        out.add(specialTokens.sep(), 0, 0, true);
        return out.build();
    }

    @Override
    public String decode(int[] tokenIds) {
        StringBuilder sb = new StringBuilder();
        boolean first = true;
        for (int id : tokenIds) {
            if (specialIds.contains(id)) {
                continue;
            }
            String token = idToToken(id);
            String piece;
            if (!first && token.startsWith(prefix) && !prefix.isEmpty()) {
                piece = token.substring(prefix.length());
            } else if (!first) {
                piece = " " + token;
            } else {
                piece = token;
            }
            sb.append(cleanup(piece));
            first = false;
        }
        return sb.toString();
    }

    /** Hugging Face's WordPiece decoder clean-up, applied per token as it does. */
    private static String cleanup(String s) {
        if (s.indexOf(' ') < 0) {
            return s;
        }
        return s.replace(" .", ".").replace(" ?", "?").replace(" !", "!").replace(" ,", ",").replace(" ' ", "'")
                .replace(" n't", "n't").replace(" 'm", "'m").replace(" do not", " don't").replace(" 's", "'s")
                .replace(" 've", "'ve").replace(" 're", "'re");
    }

    @Override
    public void save(Path tokenizerJson) throws IOException {
        HuggingFaceJson.write(this, tokenizerJson);
    }

    /** Reads a BERT {@code vocab.txt} (one token per line, id = line number). */
    public static WordPieceTokenizer fromVocabularyLines(List<String> lines, boolean lowercase, boolean stripAccents) {
        List<String> vocab = new ArrayList<>(lines.size());
        for (String line : lines) {
            vocab.add(line.strip());
        }
        while (!vocab.isEmpty() && vocab.get(vocab.size() - 1).isEmpty()) {
            vocab.remove(vocab.size() - 1);
        }
        Map<String, Integer> added = new LinkedHashMap<>();
        for (String special : DEFAULT_SPECIALS) {
            int id = vocab.indexOf(special);
            if (id >= 0) {
                added.put(special, id);
            }
        }
        return new WordPieceTokenizer(vocab, lowercase, stripAccents, "[UNK]", "##", 100, added);
    }
}

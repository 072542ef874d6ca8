package org.pretrain4j.text;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
 * GPT-2's byte-level BPE as Hugging Face tokenizers runs it: no normaliser, the GPT-2
 * pre-tokenisation pattern (no prefix space), each UTF-8 byte mapped to a printable character,
 * then merges applied lowest rank first (leftmost among equal ranks). {@code <|endoftext|>} is
 * bos, eos and pad. A RoBERTa vocabulary ({@link #roberta}) has {@code <s> </s> <pad> <unk> <mask>}
 * instead and its post-processor: {@code <s> A </s>}, pairs {@code <s> A </s></s> B </s>}.
 * Immutable and thread-safe.
 */
public final class ByteLevelBpeTokenizer implements Tokenizer {
    /** The end-of-text token. */
    public static final String END_OF_TEXT = "<|endoftext|>";

    private static final int CACHE_LIMIT = 200_000;

    private final List<String> vocab;
    private final Map<String, Integer> ids;
    private final List<String[]> merges;
    private final Map<Long, Long> mergeRanks;
    private final int[] byteIds = new int[256];
    private final Map<String, Integer> addedTokens;
    private final Set<Integer> specialIds;
    private final AddedTokens splitter;
    private final SpecialTokens specialTokens;
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();
    private final boolean trimOffsets;
    private final boolean postAddPrefixSpace;
    private final boolean robertaProcessing;
    private final Set<String> lstripTokens;

    /**
     * Creates a tokenizer from a vocabulary (index = id), merges in rank order (pairs of token
     * strings whose concatenation is in the vocabulary) and the special tokens matched in raw text.
     */
    public ByteLevelBpeTokenizer(List<String> vocab, List<String[]> merges, Map<String, Integer> addedTokens) {
        this(vocab, merges, addedTokens, false, false);
    }

    /**
     * As above, with the ByteLevel post-processor's offset trimming of a brought tokenizer.json:
     * {@code trimOffsets} moves offsets past leading and trailing spaces of a token, except one
     * leading space of the first token when {@code postAddPrefixSpace}.
     */
    ByteLevelBpeTokenizer(List<String> vocab, List<String[]> merges, Map<String, Integer> addedTokens, boolean trimOffsets,
            boolean postAddPrefixSpace) {
        this(vocab, merges, addedTokens, trimOffsets, postAddPrefixSpace, null, false, Set.of());
    }

    /**
     * The full form: {@code special} null means GPT-2's roles ({@code <|endoftext|>}); {@code robertaProcessing}
     * wraps {@link #encodeForModel} in cls and sep; {@code lstripTokens} are added tokens that take the
     * whitespace before them.
     */
    ByteLevelBpeTokenizer(List<String> vocab, List<String[]> merges, Map<String, Integer> addedTokens, boolean trimOffsets,
            boolean postAddPrefixSpace, SpecialTokens special, boolean robertaProcessing, Set<String> lstripTokens) {
        this.trimOffsets = trimOffsets;
        this.robertaProcessing = robertaProcessing;
        this.lstripTokens = Set.copyOf(lstripTokens);
        this.postAddPrefixSpace = postAddPrefixSpace;
        this.vocab = List.copyOf(vocab);
        Map<String, Integer> map = new HashMap<>(this.vocab.size() * 2);
        for (int i = 0; i < this.vocab.size(); i++) {
            if (map.putIfAbsent(this.vocab.get(i), i) != null) {
                throw new IllegalArgumentException("vocabulary has token '" + this.vocab.get(i) + "' twice");
            }
        }
        this.ids = map;
        this.merges = List.copyOf(merges);
        Map<Long, Long> ranks = new HashMap<>(merges.size() * 2);
        for (int r = 0; r < this.merges.size(); r++) {
            String[] m = this.merges.get(r);
            Integer a = map.get(m[0]);
            Integer b = map.get(m[1]);
            Integer merged = map.get(m[0] + m[1]);
            if (a == null || b == null || merged == null) {
                throw new IllegalArgumentException("merge " + (r + 1) + " '" + m[0] + " " + m[1]
                        + "' uses a token that is not in the vocabulary");
            }
            ranks.putIfAbsent(pair(a, b), ((long) r << 32) | merged);
        }
        this.mergeRanks = ranks;
        for (int b = 0; b < 256; b++) {
            Integer id = map.get(String.valueOf(ByteLevel.BYTE_TO_CHAR[b]));
            byteIds[b] = id == null ? -1 : id;
        }
        this.addedTokens = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(addedTokens, "addedTokens is null")));
        this.specialIds = Set.copyOf(new HashSet<>(this.addedTokens.values()));
        this.splitter = new AddedTokens(this.addedTokens, this.lstripTokens, Set.of());
        int eot = map.getOrDefault(END_OF_TEXT, -1);
        this.specialTokens = special != null ? special : new SpecialTokens(eot, -1, -1, -1, -1, eot, eot);
        if (robertaProcessing && (specialTokens.cls() < 0 || specialTokens.sep() < 0)) {
            throw new IllegalArgumentException("RoBERTa post-processing needs cls and sep tokens in the vocabulary");
        }
        for (int id : new int[] {specialTokens.pad(), specialTokens.unk(), specialTokens.cls(), specialTokens.sep(), specialTokens.mask(),
            specialTokens.bos(), specialTokens.eos()}) {
            if (id >= this.vocab.size()) {
                throw new IllegalArgumentException("special token id " + id + " is outside the vocabulary of " + this.vocab.size());
            }
        }
    }

    /**
     * A RoBERTa tokenizer: {@code <s> <pad> </s> <unk> <mask>} found by name in the vocabulary (each must be
     * there), {@code <mask>} taking the whitespace before it when {@code maskLstrip}, and the
     * {@code <s> A </s>} post-processor.
     */
    public static ByteLevelBpeTokenizer roberta(List<String> vocab, List<String[]> merges, boolean maskLstrip) {
        Map<String, Integer> added = new LinkedHashMap<>();
        for (String token : List.of("<s>", "<pad>", "</s>", "<unk>", "<mask>")) {
            int id = vocab.indexOf(token);
            if (id < 0) {
                throw new IllegalArgumentException("a RoBERTa vocabulary needs " + token);
            }
            added.put(token, id);
        }
        SpecialTokens special = new SpecialTokens(added.get("<pad>"), added.get("<unk>"), added.get("<s>"), added.get("</s>"),
                added.get("<mask>"), added.get("<s>"), added.get("</s>"));
        return new ByteLevelBpeTokenizer(vocab, merges, added, true, false, special, true,
                maskLstrip ? Set.of("<mask>") : Set.of());
    }

    /** True when {@link #encodeForModel} adds RoBERTa's {@code <s> ... </s>}. */
    public boolean robertaProcessing() {
        return robertaProcessing;
    }

    /** Added tokens that take the whitespace before them ({@code lstrip}). */
    Set<String> lstripTokens() {
        return lstripTokens;
    }

    private static long pair(int a, int b) {
        return ((long) a << 32) | (b & 0xFFFFFFFFL);
    }

    @Override
    public Kind kind() {
        return Kind.BYTE_LEVEL_BPE;
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
        Integer id = ids.get(token);
        return id == null ? -1 : id;
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

    /** The merges in rank order, each a pair of token strings. */
    public List<String[]> merges() {
        return merges;
    }

    /** Special token strings and their ids, as written to {@code added_tokens}. */
    public Map<String, Integer> addedTokens() {
        return addedTokens;
    }

    @Override
    public Encoding encode(String text) {
        requireNonNull(text, "text is null");
        EncodingBuilder out = new EncodingBuilder(text.length() / 3 + 4);
        splitter.split(text, (from, to, id) -> {
            if (id >= 0) {
                out.add(id, from, to, true);
            } else {
                ByteLevel.split(text, from, to, (ps, pe) -> encodeWord(text, ps, pe, out));
            }
        });
        Encoding e = out.build();
        return trimOffsets ? trim(e) : e;
    }

    /** Hugging Face's ByteLevel post-processor offset trimming (offsets only; ids unchanged). */
    private Encoding trim(Encoding e) {
        int[] starts = e.starts().clone();
        int[] ends = e.ends().clone();
        char space = ByteLevel.BYTE_TO_CHAR[' '];
        for (int i = 0; i < e.length(); i++) {
            String token = vocab.get(e.ids()[i]);
            int leading = 0;
            while (leading < token.length() && (token.charAt(leading) == space || Character.isWhitespace(token.charAt(leading)))) {
                leading++;
            }
            int trailing = 0;
            while (trailing < token.length()
                    && (token.charAt(token.length() - 1 - trailing) == space || Character.isWhitespace(token.charAt(token.length() - 1 - trailing)))) {
                trailing++;
            }
            if (leading > 0) {
                boolean first = i == 0 || starts[i] == 0;
                if (!(first && postAddPrefixSpace && leading == 1)) {
                    starts[i] = Math.min(starts[i] + leading, ends[i]);
                }
            }
            if (trailing > 0 && ends[i] >= trailing) {
                ends[i] = Math.max(ends[i] - trailing, starts[i]);
            }
        }
        return new Encoding(e.ids(), starts, ends, e.wordStarts());
    }

    boolean trimOffsets() {
        return trimOffsets;
    }

    /** The byte-level strings of the pre-tokens of a text: what the trainer counts. */
    void words(String text, java.util.function.Consumer<String> sink) {
        splitter.split(text, (from, to, id) -> {
            if (id < 0) {
                ByteLevel.split(text, from, to, (ps, pe) -> sink.accept(byteString(text.substring(ps, pe))));
            }
        });
    }

    static String byteString(String piece) {
        byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
        char[] chars = new char[bytes.length];
        for (int k = 0; k < bytes.length; k++) {
            chars[k] = ByteLevel.BYTE_TO_CHAR[bytes[k] & 0xFF];
        }
        return new String(chars);
    }

    private void encodeWord(String text, int from, int to, EncodingBuilder out) {
        String piece = text.substring(from, to);
        int[] tokens = cache.get(piece);
        if (tokens == null) {
            tokens = bpe(piece.getBytes(StandardCharsets.UTF_8));
            if (cache.size() >= CACHE_LIMIT) {
                cache.clear();
            }
            cache.put(piece, tokens);
        }
        // Offsets: each byte belongs to one code point; a token spans the code points of its bytes.
        int byteIndex = 0;
        int charIndex = from;
        int tokenIndex = 0;
        int tokenStart = -1;
        boolean first = true;
        while (charIndex < to && tokenIndex < tokens.length) {
            int c = text.codePointAt(charIndex);
            int charEnd = charIndex + Character.charCount(c);
            int nBytes = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
            for (int k = 0; k < nBytes && tokenIndex < tokens.length; k++) {
                if (tokenStart < 0) {
                    tokenStart = charIndex;
                }
                byteIndex++;
                if (byteIndex == tokens[tokenIndex + 1]) {
                    if (tokens[tokenIndex] >= 0) {
                        out.add(tokens[tokenIndex], tokenStart, charEnd, first);
                        first = false;
                    }
                    tokenIndex += 2;
                    tokenStart = -1;
                }
            }
            charIndex = charEnd;
        }
    }

    /** Pairs (id, end byte) of the BPE tokens of one pre-token; id -1 for a byte missing from the vocabulary. */
    private int[] bpe(byte[] bytes) {
        int n = bytes.length;
        int[] sym = new int[n];
        int[] ends = new int[n];
        for (int k = 0; k < n; k++) {
            sym[k] = byteIds[bytes[k] & 0xFF];
            ends[k] = k + 1;
        }
        int size = n;
        while (size > 1) {
            long best = Long.MAX_VALUE;
            int bestAt = -1;
            for (int k = 0; k + 1 < size; k++) {
                if (sym[k] < 0 || sym[k + 1] < 0) {
                    continue;
                }
                Long rank = mergeRanks.get(pair(sym[k], sym[k + 1]));
                if (rank != null && rank < best) {
                    best = rank;
                    bestAt = k;
                }
            }
            if (bestAt < 0) {
                break;
            }
            sym[bestAt] = (int) best;
            ends[bestAt] = ends[bestAt + 1];
            System.arraycopy(sym, bestAt + 2, sym, bestAt + 1, size - bestAt - 2);
            System.arraycopy(ends, bestAt + 2, ends, bestAt + 1, size - bestAt - 2);
            size--;
        }
        int[] result = new int[2 * size];
        for (int k = 0; k < size; k++) {
            result[2 * k] = sym[k];
            result[2 * k + 1] = ends[k];
        }
        return result;
    }

    @Override
    public List<Encoding> encodeBatch(List<String> texts) {
        Encoding[] result = new Encoding[texts.size()];
        IntStream.range(0, texts.size()).parallel().forEach(i -> result[i] = encode(texts.get(i)));
        return List.of(result);
    }

    @Override
    public Encoding encodeForModel(String text) {
        Encoding e = encode(text);
        if (!robertaProcessing) {
            return e;
        }
        EncodingBuilder out = new EncodingBuilder(e.length() + 2);
        out.add(specialTokens.cls(), 0, 0, true);
        out.addAll(e);
        out.add(specialTokens.sep(), 0, 0, true);
        return out.build();
    }

    /** RoBERTa: {@code <s> a </s></s> b </s>}, every type id 0 (RoBERTa has one token type); GPT-2: {@code a b}, type ids 0 then 1. */
    @Override
    public PairEncoding encodePairForModel(String a, String b) {
        if (!robertaProcessing) {
            return Tokenizer.super.encodePairForModel(a, b);
        }
        Encoding ea = encode(a);
        Encoding eb = encode(b);
        EncodingBuilder out = new EncodingBuilder(ea.length() + eb.length() + 4);
        out.add(specialTokens.cls(), 0, 0, true);
        out.addAll(ea);
        out.add(specialTokens.sep(), 0, 0, true);
        out.add(specialTokens.sep(), 0, 0, true);
        out.addAll(eb);
        out.add(specialTokens.sep(), 0, 0, true);
        Encoding e = out.build();
        return new PairEncoding(e, new int[e.length()]);
    }

    @Override
    public String decode(int[] tokenIds) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int id : tokenIds) {
            if (specialIds.contains(id)) {
                continue;
            }
            String token = idToToken(id);
            for (int k = 0; k < token.length(); k++) {
                char c = token.charAt(k);
                int b = c < ByteLevel.CHAR_TO_BYTE.length ? ByteLevel.CHAR_TO_BYTE[c] : -1;
                if (b >= 0) {
                    bytes.write(b);
                } else {
                    byte[] raw = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                    bytes.write(raw, 0, raw.length);
                }
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void save(Path tokenizerJson) throws IOException {
        HuggingFaceJson.write(this, tokenizerJson);
    }

    @Override
    public String toString() {
        return "ByteLevelBpeTokenizer[vocab=" + vocab.size() + ", merges=" + merges.size() + "]";
    }

}

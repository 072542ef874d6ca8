package org.pretrain4j.testkit;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.pretrain4j.text.Encoding;
import org.pretrain4j.text.SpecialTokens;
import org.pretrain4j.text.Tokenizer;

/**
 * A hand-written tokenizer with a small fixed vocabulary, for the conformance kits: whole words from
 * {@link FakeCorpus#WORDS}, then single letters. A word not in the vocabulary is split into letters,
 * so the kits see multi-token words (WordPiece {@code ##} continuations, or BPE-style pieces).
 * Characters other than a-z become the unknown token (WordPiece) or are dropped (BPE style).
 */
public final class FakeTokenizer implements Tokenizer {
    private final Kind kind;
    private final List<String> tokens;
    private final Map<String, Integer> ids = new HashMap<>();
    private final SpecialTokens specialTokens;

    private FakeTokenizer(Kind kind, List<String> tokens, SpecialTokens specialTokens) {
        this.kind = kind;
        this.tokens = List.copyOf(tokens);
        for (int i = 0; i < tokens.size(); i++) {
            ids.put(tokens.get(i), i);
        }
        this.specialTokens = specialTokens;
    }

    /** BERT-style: {@code [PAD]=0 [UNK]=1 [CLS]=2 [SEP]=3 [MASK]=4}, words, letters, {@code ##} letters. */
    public static FakeTokenizer wordPiece() {
        List<String> vocab = new ArrayList<>(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"));
        vocab.addAll(FakeCorpus.WORDS);
        for (char c = 'a'; c <= 'z'; c++) {
            vocab.add(String.valueOf(c));
        }
        for (char c = 'a'; c <= 'z'; c++) {
            vocab.add("##" + c);
        }
        return new FakeTokenizer(Kind.WORDPIECE, vocab, new SpecialTokens(0, 1, 2, 3, 4, -1, -1));
    }

    /** GPT-2 style: {@code <|endoftext|>=0} is bos, eos and pad; no mask and no unknown token. */
    public static FakeTokenizer bytePairStyle() {
        List<String> vocab = new ArrayList<>(List.of("<|endoftext|>"));
        for (String w : FakeCorpus.WORDS) {
            vocab.add("\u0120" + w);
        }
        for (char c = 'a'; c <= 'z'; c++) {
            vocab.add(String.valueOf(c));
        }
        for (char c = 'a'; c <= 'z'; c++) {
            vocab.add("\u0120" + c);
        }
        return new FakeTokenizer(Kind.BYTE_LEVEL_BPE, vocab, new SpecialTokens(0, -1, -1, -1, -1, 0, 0));
    }

    @Override
    public Kind kind() {
        return kind;
    }

    @Override
    public int vocabularySize() {
        return tokens.size();
    }

    @Override
    public SpecialTokens specialTokens() {
        return specialTokens;
    }

    @Override
    public int tokenToId(String token) {
        return ids.getOrDefault(token, -1);
    }

    @Override
    public String idToToken(int id) {
        if (id < 0 || id >= tokens.size()) {
            throw new IllegalArgumentException("id " + id + " outside vocabulary of " + tokens.size());
        }
        return tokens.get(id);
    }

    @Override
    public Encoding encode(String text) {
        requireNonNull(text, "text is null");
        List<int[]> pieces = new ArrayList<>(); // {id, start, end, wordStart}
        int i = 0;
        String lower = text.toLowerCase(Locale.ROOT);
        while (i < lower.length()) {
            if (Character.isWhitespace(lower.charAt(i))) {
                i++;
                continue;
            }
            int start = i;
            while (i < lower.length() && !Character.isWhitespace(lower.charAt(i))) {
                i++;
            }
            encodeWord(lower.substring(start, i), start, pieces);
        }
        int n = pieces.size();
        int[] idsOut = new int[n];
        int[] starts = new int[n];
        int[] ends = new int[n];
        boolean[] wordStarts = new boolean[n];
        for (int k = 0; k < n; k++) {
            int[] p = pieces.get(k);
            idsOut[k] = p[0];
            starts[k] = p[1];
            ends[k] = p[2];
            wordStarts[k] = p[3] == 1;
        }
        return new Encoding(idsOut, starts, ends, wordStarts);
    }

    private void encodeWord(String word, int offset, List<int[]> out) {
        boolean wordPiece = kind == Kind.WORDPIECE;
        Integer whole = ids.get(wordPiece ? word : "\u0120" + word);
        if (whole != null) {
            out.add(new int[] {whole, offset, offset + word.length(), 1});
            return;
        }
        boolean first = true;
        for (int c = 0; c < word.length(); c++) {
            char ch = word.charAt(c);
            if (ch < 'a' || ch > 'z') {
                if (wordPiece) {
                    out.add(new int[] {specialTokens.unk(), offset + c, offset + c + 1, first ? 1 : 0});
                    first = false;
                }
                continue;
            }
            String piece = wordPiece ? (first ? "" : "##") + ch : (first ? "\u0120" : "") + ch;
            out.add(new int[] {ids.get(piece), offset + c, offset + c + 1, first ? 1 : 0});
            first = false;
        }
    }

    @Override
    public List<Encoding> encodeBatch(List<String> texts) {
        return texts.stream().map(this::encode).toList();
    }

    @Override
    public Encoding encodeForModel(String text) {
        Encoding e = encode(text);
        if (kind != Kind.WORDPIECE) {
            return e;
        }
        int n = e.length() + 2;
        int[] idsOut = new int[n];
        int[] starts = new int[n];
        int[] ends = new int[n];
        boolean[] wordStarts = new boolean[n];
        idsOut[0] = specialTokens.cls();
        idsOut[n - 1] = specialTokens.sep();
        System.arraycopy(e.ids(), 0, idsOut, 1, e.length());
        System.arraycopy(e.starts(), 0, starts, 1, e.length());
        System.arraycopy(e.ends(), 0, ends, 1, e.length());
        System.arraycopy(e.wordStarts(), 0, wordStarts, 1, e.length());
        return new Encoding(idsOut, starts, ends, wordStarts);
    }

    @Override
    public String decode(int[] idsIn) {
        StringBuilder sb = new StringBuilder();
        for (int id : idsIn) {
            if (specialTokens.isSpecial(id)) {
                continue;
            }
            String t = idToToken(id);
            if (t.startsWith("##")) {
                sb.append(t, 2, t.length());
            } else if (t.startsWith("\u0120")) {
                sb.append(' ').append(t, 1, t.length());
            } else {
                if (kind == Kind.WORDPIECE && sb.length() > 0) {
                    sb.append(' ');
                }
                sb.append(t);
            }
        }
        return sb.toString().strip();
    }

    /** Writes the vocabulary, one token a line (not a Hugging Face file: this is a test fake). */
    @Override
    public void save(Path tokenizerJson) throws IOException {
        Files.write(tokenizerJson, tokens, StandardCharsets.UTF_8);
    }
}

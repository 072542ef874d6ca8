package org.pretrain4j.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class WordPieceTokenizerTest {
    static final List<String> VOCAB = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "un", "##aff", "##able", "runn",
            "##ing", ",", "!", "cafe", "東", "京", "a", "##a", "hello", "world", ".", "the", "do", "n", "'", "t");

    static WordPieceTokenizer tokenizer(boolean lowercase) {
        Map<String, Integer> added = new LinkedHashMap<>();
        for (int i = 0; i < 5; i++) {
            added.put(VOCAB.get(i), i);
        }
        return new WordPieceTokenizer(VOCAB, lowercase, lowercase, "[UNK]", "##", 100, added);
    }

    private static List<String> tokens(Tokenizer t, Encoding e) {
        List<String> out = new ArrayList<>();
        for (int id : e.ids()) {
            out.add(t.idToToken(id));
        }
        return out;
    }

    @Test
    void greedyLongestMatchWithContinuationPrefixAndOffsets() {
        WordPieceTokenizer t = tokenizer(true);
        String text = "UnAffable, running!";
        Encoding e = t.encode(text);
        assertThat(tokens(t, e)).containsExactly("un", "##aff", "##able", ",", "runn", "##ing", "!");
        assertThat(e.starts()).containsExactly(0, 2, 5, 9, 11, 15, 18);
        assertThat(e.ends()).containsExactly(2, 5, 9, 10, 15, 18, 19);
        assertThat(e.wordStarts()).containsExactly(true, false, false, true, true, false, true);
    }

    @Test
    void accentsAreStrippedButOffsetsPointAtTheOriginalCharacters() {
        WordPieceTokenizer t = tokenizer(true);
        String text = "  Café\u00A0東京";
        Encoding e = t.encode(text);
        assertThat(tokens(t, e)).containsExactly("cafe", "東", "京");
        assertThat(text.substring(e.starts()[0], e.ends()[0])).isEqualTo("Café");
        assertThat(text.substring(e.starts()[1], e.ends()[1])).isEqualTo("東");
        assertThat(text.substring(e.starts()[2], e.ends()[2])).isEqualTo("京");
    }

    @Test
    void casedTokenizerKeepsCaseAndUnknownWordsBecomeOneUnk() {
        WordPieceTokenizer t = tokenizer(false);
        Encoding e = t.encode("Hello world zzz");
        assertThat(tokens(t, e)).containsExactly("[UNK]", "world", "[UNK]");
        assertThat(e.starts()).containsExactly(0, 6, 12);
        assertThat(e.ends()).containsExactly(5, 11, 15);
    }

    @Test
    void wordsLongerThanTheLimitAreUnknown() {
        WordPieceTokenizer t = tokenizer(true);
        String longWord = "a".repeat(101);
        assertThat(tokens(t, t.encode(longWord))).containsExactly("[UNK]");
        assertThat(t.encode("a".repeat(100)).length()).isEqualTo(100);
    }

    @Test
    void specialTokensInRawTextAreRecognised() {
        WordPieceTokenizer t = tokenizer(true);
        Encoding e = t.encode("hello [MASK] world");
        assertThat(tokens(t, e)).containsExactly("hello", "[MASK]", "world");
        assertThat(e.starts()[1]).isEqualTo(6);
        assertThat(e.ends()[1]).isEqualTo(12);
    }

    @Test
    void modelEncodingAndPairsAddClsAndSep() {
        WordPieceTokenizer t = tokenizer(true);
        assertThat(tokens(t, t.encodeForModel("hello world"))).containsExactly("[CLS]", "hello", "world", "[SEP]");
        PairEncoding p = t.encodePairForModel("hello", "the world");
        assertThat(tokens(t, p.encoding())).containsExactly("[CLS]", "hello", "[SEP]", "the", "world", "[SEP]");
        assertThat(p.typeIds()).containsExactly(0, 0, 0, 1, 1, 1);
    }

    @Test
    void decodeJoinsPiecesAndCleansUpPunctuation() {
        WordPieceTokenizer t = tokenizer(true);
        int[] ids = t.encodeForModel("Hello, world. Running unaffable!").ids();
        assertThat(t.decode(ids)).isEqualTo("hello, world. running unaffable!");
    }

    @Test
    void encodeBatchKeepsOrder() {
        WordPieceTokenizer t = tokenizer(true);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            texts.add(i % 2 == 0 ? "hello world" : "running");
        }
        List<Encoding> batch = t.encodeBatch(texts);
        for (int i = 0; i < texts.size(); i++) {
            assertThat(batch.get(i).ids()).containsExactly(t.encode(texts.get(i)).ids());
        }
    }

    @Test
    void vocabularyTxtIsReadWithSpecialTokens() {
        WordPieceTokenizer t = WordPieceTokenizer.fromVocabularyLines(VOCAB, true, true);
        assertThat(t.vocabularySize()).isEqualTo(VOCAB.size());
        assertThat(t.specialTokens()).isEqualTo(new SpecialTokens(0, 1, 2, 3, 4, -1, -1));
        assertThat(Arrays.stream(t.encode("un").ids()).boxed()).containsExactly(5);
    }
}

package org.pretrain4j.objective.mlm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pretrain4j.data.RandomSource;
import org.pretrain4j.spi.MaskDecision;
import org.pretrain4j.spi.MaskingStrategy;
import org.pretrain4j.spi.MaskingVocabulary;
import org.pretrain4j.testkit.FakeCorpus;
import org.pretrain4j.text.BpeTrainer;
import org.pretrain4j.text.Encoding;
import org.pretrain4j.text.SpecialTokens;
import org.pretrain4j.text.Tokenizer;
import org.pretrain4j.text.WordPieceTrainer;

/**
 * Whole-word and span masking on the project's real tokenizers: the word starts they report make
 * whole words of WordPiece {@code ##} pieces and of byte-level BPE pieces alike.
 */
final class RealTokenizerWholeWordTest {
    private static final String TEXT = "the unbelievably quick zebras jumped over extraordinarily lazy kiwis";

    private static List<String> trainingText() {
        List<String> texts = new ArrayList<>();
        for (List<String> doc : FakeCorpus.documents(200, 5)) {
            texts.addAll(doc);
        }
        texts.add(TEXT);
        return texts;
    }

    /** For each token, the index of the whitespace-separated word its first character is in. */
    private static int[] wordOf(Encoding e) {
        int[] words = new int[e.length()];
        for (int i = 0; i < e.length(); i++) {
            int start = e.starts()[i];
            while (start < TEXT.length() && TEXT.charAt(start) == ' ') {
                start++; // byte-level BPE pieces carry the space before the word
            }
            int w = 0;
            for (int c = 0; c < start; c++) {
                w += TEXT.charAt(c) == ' ' ? 1 : 0;
            }
            words[i] = w;
        }
        return words;
    }

    private static void checkWholeWords(Tokenizer tokenizer, MaskingVocabulary vocabulary) {
        Encoding e = tokenizer.encode(TEXT);
        int[] word = wordOf(e);
        assertThat(e.length()).as("%s splits some words into pieces", tokenizer.kind()).isGreaterThan(9);
        for (int i = 0; i < e.length(); i++) {
            assertThat(e.wordStarts()[i]).as("%s word start at token %d", tokenizer.kind(), i)
                    .isEqualTo(i == 0 || word[i] != word[i - 1]);
        }
        for (String name : List.of("whole-word", "span")) {
            MaskingStrategy s = name.equals("span")
                    ? new SpanMaskingStrategyFactory().create(Map.of("rate", "0.3"))
                    : new WholeWordMaskingStrategyFactory().create(Map.of("rate", "0.3"));
            for (int key = 0; key < 100; key++) {
                MaskDecision d = s.choose(e.ids(), new boolean[e.length()], e.wordStarts(), vocabulary, RandomSource.of(9, 0, key));
                boolean[] chosenWord = new boolean[9];
                boolean[] picked = new boolean[e.length()];
                for (int p : d.positions()) {
                    picked[p] = true;
                    chosenWord[word[p]] = true;
                }
                if (name.equals("whole-word")) {
                    for (int i = 0; i < e.length(); i++) {
                        assertThat(picked[i]).as("%s %s token %d of a chosen word", tokenizer.kind(), name, i)
                                .isEqualTo(chosenWord[word[i]]);
                    }
                } else {
                    // Span masking may stop inside its last word at the budget; every other chosen word is whole.
                    int partial = 0;
                    for (int w = 0; w < 9; w++) {
                        boolean all = true;
                        for (int i = 0; i < e.length(); i++) {
                            all &= word[i] != w || picked[i] || !chosenWord[w];
                        }
                        partial += all ? 0 : 1;
                    }
                    assertThat(partial).isLessThanOrEqualTo(1);
                }
            }
        }
    }

    @Test
    void wordPiece() {
        Tokenizer wp = WordPieceTrainer.train(trainingText(), WordPieceTrainer.Options.of(120));
        SpecialTokens st = wp.specialTokens();
        checkWholeWords(wp, new MaskingVocabulary(wp.vocabularySize(), st.mask(), st));
    }

    @Test
    void byteLevelBpe() {
        Tokenizer bpe = BpeTrainer.train(trainingText(), BpeTrainer.Options.of(300));
        SpecialTokens st = bpe.specialTokens();
        int mask = bpe.vocabularySize(); // no mask token in GPT-2 vocabularies; one past the end, as RoBERTa adds <mask>
        checkWholeWords(bpe, new MaskingVocabulary(mask + 1, mask,
                new SpecialTokens(st.pad(), st.unk(), st.cls(), st.sep(), mask, st.bos(), st.eos())));
    }
}

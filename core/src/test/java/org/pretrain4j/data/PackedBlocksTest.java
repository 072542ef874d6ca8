package org.pretrain4j.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pretrain4j.text.BpeTrainer;
import org.pretrain4j.text.ByteLevelBpeTokenizer;
import org.pretrain4j.text.WordPieceTokenizer;

final class PackedBlocksTest {
    static Corpus corpus() {
        return Corpus.of("test", List.of(TestVocabulary.document(0, 3, 4), TestVocabulary.document(1, 9),
                TestVocabulary.document(2, 2), TestVocabulary.document(3, 5, 1, 2)));
    }

    /** All tokens of the corpus in order, each document followed by [SEP] (id 3). */
    static List<Integer> stream(WordPieceTokenizer t) {
        List<Integer> out = new ArrayList<>();
        try (DocumentReader r = corpus().open()) {
            r.forEachRemaining(d -> {
                for (String s : d.sentences()) {
                    for (int id : t.encode(s).ids()) {
                        out.add(id);
                    }
                }
                out.add(3);
            });
        }
        return out;
    }

    @Test
    void crossingBlocksAreFullAndKeepEverySeparator() {
        WordPieceTokenizer t = TestVocabulary.tokenizer();
        List<Example> blocks = SentencePairsTest.read(new PackedBlocks(corpus(), t, 8, PackedBlocks.Boundaries.CROSS), 0);
        List<Integer> joined = new ArrayList<>();
        for (int k = 0; k < blocks.size(); k++) {
            Example b = blocks.get(k);
            assertThat(b.index()).isEqualTo(k);
            assertThat(b.tokens()[0]).isEqualTo(2);
            assertThat(b.special()[0]).isTrue();
            if (k < blocks.size() - 1) {
                assertThat(b.length()).isEqualTo(8);
            }
            for (int i = 1; i < b.length(); i++) {
                joined.add(b.tokens()[i]);
                assertThat(b.special()[i]).isEqualTo(b.tokens()[i] == 3);
            }
            assertThat(b.segments()).containsOnly(0);
            assertThat(b.pairLabel()).isEqualTo(-1);
        }
        assertThat(joined).isEqualTo(stream(t));
    }

    @Test
    void keepingBlocksNeverMixDocumentsAndEndWithSep() {
        WordPieceTokenizer t = TestVocabulary.tokenizer();
        List<Example> blocks = SentencePairsTest.read(new PackedBlocks(corpus(), t, 8, PackedBlocks.Boundaries.KEEP), 0);
        List<Integer> content = new ArrayList<>();
        for (Example b : blocks) {
            assertThat(b.length()).isLessThanOrEqualTo(8);
            assertThat(b.tokens()[0]).isEqualTo(2);
            assertThat(b.tokens()[b.length() - 1]).isEqualTo(3);
            int doc = TestVocabulary.documentOf(t, b.tokens()[1]);
            for (int i = 1; i < b.length() - 1; i++) {
                assertThat(TestVocabulary.documentOf(t, b.tokens()[i])).isEqualTo(doc);
                content.add(b.tokens()[i]);
            }
        }
        // Doc 0: sentences 3 + 4 > 6 -> two blocks; doc 1: 9 tokens -> 6 + 3; doc 2: one; doc 3: 5 + 1, then 2.
        assertThat(blocks).extracting(Example::length).containsExactly(5, 6, 8, 5, 4, 8, 4);
        List<Integer> expected = new ArrayList<>(stream(t));
        expected.removeIf(id -> id == 3);
        assertThat(content).isEqualTo(expected);
    }

    @Test
    void bpeBlocksSeparateDocumentsWithEndOfText() {
        ByteLevelBpeTokenizer t = BpeTrainer.train(List.of("alpha beta gamma"), BpeTrainer.Options.of(260));
        Corpus c = Corpus.of("two", List.of(new Document("a", List.of("alpha beta")), new Document("b", List.of("gamma"))));
        List<Example> cross = SentencePairsTest.read(new PackedBlocks(c, t, 4, PackedBlocks.Boundaries.CROSS), 0);
        List<Integer> joined = new ArrayList<>();
        cross.forEach(b -> {
            for (int id : b.tokens()) {
                joined.add(id);
            }
        });
        List<Integer> expected = new ArrayList<>();
        for (int id : t.encode("alpha beta").ids()) {
            expected.add(id);
        }
        expected.add(0);
        for (int id : t.encode("gamma").ids()) {
            expected.add(id);
        }
        expected.add(0);
        assertThat(joined).isEqualTo(expected);
        List<Example> keep = SentencePairsTest.read(new PackedBlocks(c, t, 4, PackedBlocks.Boundaries.KEEP), 0);
        long endOfTexts = keep.stream().filter(b -> b.tokens()[b.length() - 1] == 0).count();
        assertThat(endOfTexts).isEqualTo(2);
    }

    @Test
    void bpeBlocksKeepTheSpaceBetweenTheSentencesOfADocument() {
        ByteLevelBpeTokenizer t = BpeTrainer.train(List.of("The report. The vote."), BpeTrainer.Options.of(280));
        Corpus c = Corpus.of("one", List.of(new Document("a", List.of("The report.", "The vote."))));
        List<Example> blocks = SentencePairsTest.read(new PackedBlocks(c, t, 64, PackedBlocks.Boundaries.CROSS), 0);
        List<Integer> ids = new ArrayList<>();
        blocks.forEach(b -> {
            for (int id : b.tokens()) {
                ids.add(id);
            }
        });
        assertThat(t.decode(ids.stream().mapToInt(Integer::intValue).toArray())).isEqualTo("The report. The vote.");
    }

    @Test
    void aCorpusOfEmptyDocumentsFailsNamingIt() {
        Corpus empty = Corpus.of("blank", List.of(new Document("a", List.of()), new Document("b", List.of())));
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> SentencePairsTest.read(new PackedBlocks(empty, TestVocabulary.tokenizer(), 8, PackedBlocks.Boundaries.CROSS), 0))
                .isInstanceOf(CorpusException.class)
                .hasMessageContaining("corpus blank produced no examples: 0 non-empty documents, 2 empty documents skipped");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> SentencePairsTest.read(new SentencePairs(empty, TestVocabulary.tokenizer(), 16, 1), 0))
                .isInstanceOf(CorpusException.class).hasMessageContaining("produced no examples");
    }
}

package org.pretrain4j.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pretrain4j.text.WordPieceTokenizer;

final class ShuffledExamplesTest {
    static List<String> keys(List<Example> examples) {
        List<String> out = new ArrayList<>();
        for (Example e : examples) {
            out.add(Arrays.toString(e.tokens()) + Arrays.toString(e.segments()) + e.pairLabel());
        }
        return out;
    }

    @Test
    void shufflingIsAReproduciblePermutationRenumberedFromZero() {
        WordPieceTokenizer t = TestVocabulary.tokenizer();
        ExampleSource base = new PackedBlocks(SentencePairsTest.corpus(30), t, 8, PackedBlocks.Boundaries.CROSS);
        ExampleSource shuffled = new ShuffledExamples(base, 50, 5);
        List<Example> original = SentencePairsTest.read(base, 0);
        List<Example> mixed = SentencePairsTest.read(shuffled, 0);
        assertThat(keys(mixed)).containsExactlyInAnyOrderElementsOf(keys(original));
        assertThat(keys(mixed)).isNotEqualTo(keys(original));
        for (int k = 0; k < mixed.size(); k++) {
            assertThat(mixed.get(k).index()).isEqualTo(k);
        }
        assertThat(SentencePairsTest.read(shuffled, 0)).isEqualTo(mixed);
        assertThat(keys(SentencePairsTest.read(shuffled, 1))).isNotEqualTo(keys(mixed));
    }

    @Test
    void layoutsMapToTheirBuilders() {
        WordPieceTokenizer t = TestVocabulary.tokenizer();
        Corpus c = SentencePairsTest.corpus(10);
        List<Example> pairs = SentencePairsTest.read(ExampleSources.forLayout(ExampleLayout.SENTENCE_PAIRS, c, t, 16, 1), 0);
        assertThat(pairs).allSatisfy(e -> assertThat(e.pairLabel()).isIn(0, 1));
        List<Example> blocks = SentencePairsTest.read(ExampleSources.forLayout(ExampleLayout.PACKED_BLOCKS, c, t, 16, 1), 0);
        assertThat(blocks).allSatisfy(e -> {
            assertThat(e.pairLabel()).isEqualTo(-1);
            assertThat(e.length()).isLessThanOrEqualTo(16);
        });
    }
}

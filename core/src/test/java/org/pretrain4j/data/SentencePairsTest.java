package org.pretrain4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pretrain4j.text.BpeTrainer;
import org.pretrain4j.text.WordPieceTokenizer;

final class SentencePairsTest {
    /** Replays draws worked out by hand, checking each is asked for in google's order and range. */
    static final class Script implements SentencePairs.Draws {
        final Deque<Object> values = new ArrayDeque<>();

        Script add(Object... v) {
            values.addAll(List.of(v));
            return this;
        }

        @Override
        public double random() {
            Object v = values.poll();
            assertThat(v).as("expected a random() draw").isInstanceOf(Double.class);
            return (Double) v;
        }

        @Override
        public int randint(int a, int b) {
            Object v = values.poll();
            assertThat(v).as("expected a randint(%d, %d) draw", a, b).isInstanceOf(Integer.class);
            assertThat((Integer) v).isBetween(a, b);
            return (Integer) v;
        }

        @Override
        public int otherDocument(int count, int current) {
            Object v = values.poll();
            assertThat(v).as("expected a document draw").isInstanceOf(String.class);
            int d = Integer.parseInt((String) v);
            assertThat(d).isNotEqualTo(current).isBetween(0, count - 1);
            return d;
        }
    }

    static TokenizedDocument doc(String name, int[][] sentences, boolean[][] starts) {
        return new TokenizedDocument(name, sentences, starts);
    }

    static final List<TokenizedDocument> DOCS = List.of(
            doc("doc0", new int[][] {{10, 11, 12}, {13, 14}, {15, 16, 17, 18}},
                    new boolean[][] {{true, false, true}, {true, false}, {true, true, false, true}}),
            doc("doc1", new int[][] {{20, 21}, {22, 23, 24}}, new boolean[][] {{true, true}, {true, true, true}}),
            doc("doc2", new int[][] {{30}}, new boolean[][] {{true}}));

    @Test
    void goldenNextSentenceWithTruncationFromBothEnds() {
        // max_seq_length 10 -> max_num_tokens 7. random() 0.5 >= 0.1: target 7. Chunk s0 s1 s2 (9 tokens);
        // a_end = randint(1, 2) = 2; random() 0.7 >= 0.5: actual next. A = 10..14, B = 15..18, 9 > 7:
        // A longer, random() 0.2 < 0.5 deletes its front (10); 8 > 7, tie -> B, random() 0.9 pops its back (18).
        Script script = new Script().add(0.5, 2, 0.7, 0.2, 0.9);
        List<SentencePairs.Instance> instances = SentencePairs.createInstances(DOCS, 0, 10, 0.1, script);
        assertThat(script.values).isEmpty();
        assertThat(instances).hasSize(1);
        SentencePairs.Instance i = instances.get(0);
        assertThat(i.a()).containsExactly(11, 12, 13, 14);
        assertThat(i.aStarts()).containsExactly(true, true, true, false);
        assertThat(i.b()).containsExactly(15, 16, 17);
        assertThat(i.bStarts()).containsExactly(true, true, false);
        assertThat(i.isRandomNext()).isFalse();

        WordPieceTokenizer t = TestVocabulary.tokenizer();
        SentencePairs pairs = new SentencePairs(Corpus.of("unused", List.of()), t, 10, 1);
        Example e = pairs.toExample(i, 7);
        assertThat(e.index()).isEqualTo(7);
        assertThat(e.tokens()).containsExactly(2, 11, 12, 13, 14, 3, 15, 16, 17, 3);
        assertThat(e.segments()).containsExactly(0, 0, 0, 0, 0, 0, 1, 1, 1, 1);
        assertThat(e.special()).containsExactly(true, false, false, false, false, true, false, false, false, true);
        assertThat(e.wordStarts()).containsExactly(true, true, true, true, false, true, true, true, false, true);
        assertThat(e.pairLabel()).isZero();
    }

    @Test
    void goldenRandomNextPutsUnusedSentencesBack() {
        // random() 0.05 < 0.1: target = randint(2, 7) = 3. Chunk t0 t1 (5 >= 3); a_end = randint(1, 1) = 1;
        // random() 0.3 < 0.5: random next, target_b 3 - 2 = 1, document 0, start randint(0, 2) = 1: B = s1 (2 >= 1).
        // t1 unused: i goes back to it. Chunk t1 (3 >= 3) is one sentence: random next without a draw,
        // document 2, start randint(0, 0) = 0: B = u0.
        Script script = new Script().add(0.05, 3, 1, 0.3, "0", 1, "2", 0);
        List<SentencePairs.Instance> instances = SentencePairs.createInstances(DOCS, 1, 10, 0.1, script);
        assertThat(script.values).isEmpty();
        assertThat(instances).hasSize(2);
        assertThat(instances.get(0).a()).containsExactly(20, 21);
        assertThat(instances.get(0).b()).containsExactly(13, 14);
        assertThat(instances.get(0).isRandomNext()).isTrue();
        assertThat(instances.get(1).a()).containsExactly(22, 23, 24);
        assertThat(instances.get(1).b()).containsExactly(30);
        assertThat(instances.get(1).isRandomNext()).isTrue();
    }

    @Test
    void goldenConsecutivePairsNeverDrawARandomBForAChunkOfSeveralSentences() {
        // ALBERT's sentence-order data: as goldenRandomNextPutsUnusedSentencesBack, but the chunk t0 t1
        // takes no random() draw for "random next": B = t1, the continuation. No sentence is left.
        Script script = new Script().add(0.05, 3, 1);
        List<SentencePairs.Instance> instances = SentencePairs.createInstances(DOCS, 1, 10, 0.1, false, script);
        assertThat(script.values).isEmpty();
        assertThat(instances).hasSize(1);
        assertThat(instances.get(0).a()).containsExactly(20, 21);
        assertThat(instances.get(0).b()).containsExactly(22, 23, 24);
        assertThat(instances.get(0).isRandomNext()).isFalse();
    }

    @Test
    void goldenConsecutivePairsDrawARandomBOnlyForASingleSentence() {
        // doc2 has one sentence: even ALBERT's data draws a random B (document 0, start 2: s2).
        Script script = new Script().add(0.5, "0", 2);
        List<SentencePairs.Instance> instances = SentencePairs.createInstances(DOCS, 2, 10, 0.1, false, script);
        assertThat(script.values).isEmpty();
        assertThat(instances).hasSize(1);
        assertThat(instances.get(0).a()).containsExactly(30);
        assertThat(instances.get(0).b()).containsExactly(15, 16, 17, 18);
        assertThat(instances.get(0).isRandomNext()).isTrue();
    }

    @Test
    void layoutsOfTheTwoKindsOfPairs() {
        WordPieceTokenizer t = TestVocabulary.tokenizer();
        Corpus c = Corpus.of("unused", List.of());
        assertThat(new SentencePairs(c, t, 10, 1).layout()).isEqualTo(ExampleLayout.SENTENCE_PAIRS);
        assertThat(new SentencePairs(ExampleLayout.CONSECUTIVE_PAIRS, c, t, 10, 1).layout())
                .isEqualTo(ExampleLayout.CONSECUTIVE_PAIRS);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SentencePairs(ExampleLayout.PACKED_BLOCKS, c, t, 10, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PACKED_BLOCKS");
    }

    static Corpus corpus(int documents) {
        List<Document> docs = new ArrayList<>();
        for (int d = 0; d < documents; d++) {
            docs.add(TestVocabulary.document(d, 3 + d % 4, 5, 2 + d % 3, 7, 4, 6 - d % 5, 3));
        }
        return Corpus.of("test", docs);
    }

    @Test
    void streamedPairsAreWellFormedReproducibleAndRandomBComesFromAnotherDocument() {
        WordPieceTokenizer t = TestVocabulary.tokenizer();
        SentencePairs pairs = new SentencePairs(corpus(30), t, 16, 0.1, 8, 99);
        List<Example> first = read(pairs, 0);
        assertThat(read(pairs, 0)).isEqualTo(first);
        assertThat(read(pairs, 1)).isNotEqualTo(first);
        int random = 0;
        for (int k = 0; k < first.size(); k++) {
            Example e = first.get(k);
            assertThat(e.index()).isEqualTo(k);
            assertThat(e.length()).isLessThanOrEqualTo(16);
            int sep = indexOf(e.tokens(), 3);
            assertThat(sep).isGreaterThan(1).isLessThan(e.length() - 2);
            assertThat(e.tokens()[0]).isEqualTo(2);
            assertThat(e.tokens()[e.length() - 1]).isEqualTo(3);
            int docA = TestVocabulary.documentOf(t, e.tokens()[1]);
            int docB = TestVocabulary.documentOf(t, e.tokens()[sep + 1]);
            if (e.pairLabel() == 1) {
                random++;
                assertThat(docB).isNotEqualTo(docA);
            } else {
                assertThat(e.pairLabel()).isZero();
                assertThat(docB).isEqualTo(docA);
            }
        }
        // Random next is drawn with probability 0.5 and forced for one-sentence chunks: at least half.
        assertThat(random).isGreaterThanOrEqualTo(first.size() / 2 - 3 * (int) Math.sqrt(first.size()));
        assertThat(random).isLessThan(first.size());
    }

    static List<Example> read(ExampleSource source, long epoch) {
        List<Example> out = new ArrayList<>();
        try (ExampleStream s = source.open(epoch)) {
            s.forEachRemaining(out::add);
        }
        return out;
    }

    static int indexOf(int[] a, int v) {
        for (int i = 1; i < a.length; i++) {
            if (a[i] == v) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void oneDocumentOrATokenizerWithoutClsFailsClearly() {
        WordPieceTokenizer t = TestVocabulary.tokenizer();
        SentencePairs single = new SentencePairs(corpus(1), t, 16, 1);
        assertThatThrownBy(() -> read(single, 0)).isInstanceOf(CorpusException.class)
                .hasMessageContaining("sentence pairs need at least 2 documents").hasMessageContaining("test has 1");
        assertThatThrownBy(() -> new SentencePairs(corpus(2), BpeTrainer.train(List.of("a b"), BpeTrainer.Options.of(257)), 16, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("need [CLS] and [SEP]");
    }
}

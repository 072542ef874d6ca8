package org.pretrain4j.objective.nsp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.pretrain4j.data.Batch;
import org.pretrain4j.data.Batcher;
import org.pretrain4j.data.Corpus;
import org.pretrain4j.data.ExampleLayout;
import org.pretrain4j.data.Document;
import org.pretrain4j.data.Example;
import org.pretrain4j.data.ExampleFeatures;
import org.pretrain4j.data.ExampleStream;
import org.pretrain4j.data.RandomSource;
import org.pretrain4j.data.SentencePairs;
import org.pretrain4j.objective.mlm.MlmObjectiveFactory;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.testkit.FakeCorpus;
import org.pretrain4j.testkit.FakeTokenizer;
import org.pretrain4j.testkit.ServiceLoaderPlugins;

/**
 * NSP and SOP on the real sentence-pair builder (google BERT's algorithm) over about 200,000
 * tokens: every sentence of document d starts with a marker word "x" + two letters coding d, so
 * the test can tell which document each segment came from.
 */
final class SentencePairStatisticsTest {
    private static final FakeTokenizer TOKENIZER = FakeTokenizer.wordPiece();
    private static final int DOCUMENTS = 300;
    private static final int X = TOKENIZER.tokenToId("x");
    private static final int HASH_A = TOKENIZER.tokenToId("##a");

    private static Corpus corpus() {
        List<Document> docs = new ArrayList<>();
        for (int d = 0; d < DOCUMENTS; d++) {
            RandomSource r = RandomSource.of(77, 0, d);
            String marker = "x" + (char) ('a' + d / 26) + (char) ('a' + d % 26);
            List<String> sentences = new ArrayList<>();
            for (int s = 0; s < 60; s++) {
                StringBuilder sb = new StringBuilder(marker);
                for (int w = r.nextInt(6, 11); w > 0; w--) {
                    sb.append(' ').append(FakeCorpus.WORDS.get(r.nextInt(FakeCorpus.WORDS.size())));
                }
                sentences.add(sb.toString());
            }
            docs.add(new Document("doc" + d, sentences));
        }
        return Corpus.of("marked", docs);
    }

    private static List<Example> pairs() {
        return pairs(ExampleLayout.SENTENCE_PAIRS);
    }

    private static List<Example> pairs(ExampleLayout layout) {
        List<Example> out = new ArrayList<>();
        try (ExampleStream s = new SentencePairs(layout, corpus(), TOKENIZER, 128, 11).open(0)) {
            s.forEachRemaining(out::add);
        }
        return out;
    }

    /** Documents whose whole marker (x ##? ##?) lies in tokens [from, to). */
    private static Set<Integer> documents(int[] tokens, int from, int to) {
        Set<Integer> docs = new HashSet<>();
        for (int i = from; i + 2 < to; i++) {
            if (tokens[i] == X && tokens[i + 1] >= HASH_A && tokens[i + 2] >= HASH_A) {
                docs.add((tokens[i + 1] - HASH_A) * 26 + tokens[i + 2] - HASH_A);
            }
        }
        return docs;
    }

    @Test
    void nspIsHalfPositiveNeverDrawsBFromTheSameDocumentAndGetsSegmentIdsRight() {
        Objective nsp = new NspObjectiveFactory().create(Map.of(), new ServiceLoaderPlugins());
        Batcher batcher = new Batcher(nsp, TOKENIZER, 128);
        List<Example> pairs = pairs();
        long tokens = 0;
        long positives = 0;
        long checkedRandom = 0;
        for (Example e : pairs) {
            tokens += e.length();
            int n = e.length();
            int sep = 0;
            while (e.tokens()[sep] != 3) {
                sep++;
            }
            // [CLS] A [SEP] B [SEP]: segment 0 through the first [SEP], 1 after; special exactly there.
            assertThat(e.tokens()[0]).isEqualTo(2);
            assertThat(e.tokens()[n - 1]).isEqualTo(3);
            for (int i = 0; i < n; i++) {
                assertThat(e.segments()[i]).as("segment of %d in %s", i, e).isEqualTo(i <= sep ? 0 : 1);
                assertThat(e.special()[i]).isEqualTo(i == 0 || i == sep || i == n - 1);
            }
            Set<Integer> a = documents(e.tokens(), 1, sep);
            Set<Integer> b = documents(e.tokens(), sep + 1, n - 1);
            assertThat(a).as("A comes from one document").hasSizeLessThanOrEqualTo(1);
            if (e.pairLabel() == 0) {
                positives++;
                if (!a.isEmpty()) {
                    assertThat(b).as("the true next B of %s", e).isSubsetOf(a);
                }
            } else if (!a.isEmpty() && !b.isEmpty()) {
                assertThat(b).as("a random B of %s", e).doesNotContainAnyElementsOf(a);
                checkedRandom++;
            }
        }
        assertThat(tokens).isGreaterThanOrEqualTo(100_000);
        assertThat(checkedRandom).as("random pairs whose documents were both identified").isGreaterThan(pairs.size() / 3);
        // google BERT also makes B random for a one-sentence chunk; with ~12-sentence chunks that is under 1% of pairs.
        double p = (double) positives / pairs.size();
        assertThat(p).isCloseTo(0.5, within(4 * Math.sqrt(0.25 / pairs.size()) + 0.01));

        // Through the real batcher: token_type_ids are the segments and the labels are the pairs'.
        List<ExampleFeatures> batchOf = new ArrayList<>();
        for (Example e : pairs.subList(0, 16)) {
            batchOf.add(batcher.prepare(e, 11, 0));
        }
        Batch batch = batcher.collate(batchOf);
        long[] types = batch.inputs().get("token_type_ids").longs();
        long[] labels = batch.inputs().get("next_sentence_labels").longs();
        for (int k = 0; k < 16; k++) {
            Example e = pairs.get(k);
            assertThat(labels[k]).isEqualTo(e.pairLabel());
            for (int i = 0; i < e.length(); i++) {
                assertThat(types[k * 128 + i]).isEqualTo(e.segments()[i]);
            }
        }
    }

    @Test
    void sopSwapsHalfTheTrueContinuationsAndMlmMasksTheResult() {
        Objective mlmSop = new ComposedFactory(new MlmObjectiveFactory(), new SopObjectiveFactory())
                .create(Map.of(), new ServiceLoaderPlugins());
        Batcher batcher = new Batcher(mlmSop, TOKENIZER, 128);
        long continuations = 0;
        long swapped = 0;
        List<ExampleFeatures> someSwapped = new ArrayList<>();
        List<Example> consecutive = pairs(mlmSop.layout().orElseThrow());
        assertThat(mlmSop.layout()).contains(ExampleLayout.CONSECUTIVE_PAIRS);
        long randomB = consecutive.stream().filter(e -> e.pairLabel() == 1).count();
        // ALBERT's data: a random B only for single-sentence chunks, not google BERT's half.
        List<Example> nspPairs = pairs();
        long randomInNsp = nspPairs.stream().filter(e -> e.pairLabel() == 1).count();
        assertThat((double) randomB / consecutive.size()).isLessThan(0.15);
        assertThat((double) randomInNsp / nspPairs.size()).isGreaterThan(0.4);
        for (Example e : consecutive) {
            ExampleFeatures f = batcher.prepare(e, 11, 0);
            if (someSwapped.size() < 8 && f.example() != e) {
                someSwapped.add(f);
            }
            long label = f.scalar("sentence_order_label");
            if (e.pairLabel() == 1) {
                assertThat(label).isEqualTo(-100);
                continue;
            }
            continuations++;
            swapped += label;
            Example x = f.example();
            int sep = 0;
            while (x.tokens()[sep] != 3) {
                sep++;
            }
            Set<Integer> first = documents(x.tokens(), 1, sep);
            Set<Integer> second = documents(x.tokens(), sep + 1, x.length() - 1);
            assertThat(first).hasSizeLessThanOrEqualTo(1);
            if (!first.isEmpty()) {
                assertThat(second).isSubsetOf(first); // swapped or not, both segments are of one document
            }
            for (int p : f.array("masked_positions")) {
                assertThat(x.special()[p]).isFalse();
            }
        }
        assertThat((double) swapped / continuations).isCloseTo(0.5, within(4 * Math.sqrt(0.25 / continuations)));

        // The batcher reads the re-arranged example: token_type_ids follow the swapped segments.
        Batch batch = batcher.collate(someSwapped);
        long[] types = batch.inputs().get("token_type_ids").longs();
        long[] labels = batch.inputs().get("sentence_order_labels").longs();
        for (int k = 0; k < someSwapped.size(); k++) {
            Example x = someSwapped.get(k).example();
            assertThat(labels[k]).isEqualTo(1);
            for (int i = 0; i < x.length(); i++) {
                assertThat(types[k * 128 + i]).isEqualTo(x.segments()[i]);
            }
        }
    }
}

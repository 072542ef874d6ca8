package org.pretrain4j.objective.nsp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pretrain4j.data.Batch;
import org.pretrain4j.data.BatchBuilder;
import org.pretrain4j.data.Example;
import org.pretrain4j.data.ExampleFeatures;
import org.pretrain4j.data.RandomSource;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.spi.ObjectiveFactory;
import org.pretrain4j.spi.PluginException;
import org.pretrain4j.testkit.FakeCorpus;
import org.pretrain4j.testkit.FakeExamples;
import org.pretrain4j.testkit.ObjectiveContract;
import org.pretrain4j.testkit.ServiceLoaderPlugins;

final class SopObjectiveTest implements ObjectiveContract {
    @Override
    public ObjectiveFactory factory() {
        return new SopObjectiveFactory();
    }

    private static Objective create(Map<String, String> properties) {
        return new SopObjectiveFactory().create(properties, new ServiceLoaderPlugins());
    }

    @Test
    void defaults() {
        assertThat(SopConfig.parse(Map.of())).isEqualTo(new SopConfig(0.5));
    }

    @Test
    void fullExplicitMapping() {
        assertThat(SopConfig.parse(Map.of("swap-probability", "0.3"))).isEqualTo(new SopConfig(0.3));
        assertThatThrownBy(() -> SopConfig.parse(Map.of("swap-probability", "1")))
                .isInstanceOf(PluginException.class).hasMessageContaining("'swap-probability' = '1'");
    }

    @Test
    void goldenSwap() {
        Objective o = create(Map.of());
        // One draw of fork("sop") per continuation pair: 0.3164 for key (3, 0, 0) swaps (< 0.5), 0.9218 for key (3, 0, 3) does not.
        assertThat(RandomSource.of(3, 0, 0).fork("sop").nextDouble()).isCloseTo(0.3164, within(1e-4));
        assertThat(RandomSource.of(3, 0, 3).fork("sop").nextDouble()).isCloseTo(0.9218, within(1e-4));

        ExampleFeatures swapped = new ExampleFeatures(NspObjectiveTest.pair(0, 0));
        o.prepare(swapped, NspObjectiveTest.TOKENIZER, RandomSource.of(3, 0, 0));
        int the = NspObjectiveTest.TOKENIZER.tokenToId("the");
        int cat = NspObjectiveTest.TOKENIZER.tokenToId("cat");
        int a = NspObjectiveTest.TOKENIZER.tokenToId("a");
        int dog = NspObjectiveTest.TOKENIZER.tokenToId("dog");
        int ran = NspObjectiveTest.TOKENIZER.tokenToId("ran");
        // [CLS] the cat [SEP] a dog ran [SEP] becomes [CLS] a dog ran [SEP] the cat [SEP].
        assertThat(swapped.inputIds()).containsExactly(2, a, dog, ran, 3, the, cat, 3);
        assertThat(swapped.example().tokens()).containsExactly(2, a, dog, ran, 3, the, cat, 3);
        assertThat(swapped.example().segments()).containsExactly(0, 0, 0, 0, 0, 1, 1, 1);
        assertThat(swapped.example().special()).containsExactly(true, false, false, false, true, false, false, true);

        ExampleFeatures inOrder = new ExampleFeatures(NspObjectiveTest.pair(3, 0));
        o.prepare(inOrder, NspObjectiveTest.TOKENIZER, RandomSource.of(3, 0, 3));
        assertThat(inOrder.example()).isEqualTo(NspObjectiveTest.pair(3, 0));

        ExampleFeatures randomB = new ExampleFeatures(NspObjectiveTest.pair(1, 1));
        o.prepare(randomB, NspObjectiveTest.TOKENIZER, RandomSource.of(3, 0, 1));
        assertThat(randomB.example()).isEqualTo(NspObjectiveTest.pair(1, 1));

        BatchBuilder b = new BatchBuilder();
        o.collate(List.of(swapped, inOrder, randomB), 8, b);
        Batch batch = b.build(3, 24);
        assertThat(batch.inputs().get(SopObjective.LABELS).longs()).containsExactly(1, 0, -100);
        assertThat(batch.counts()).containsEntry("sentence_order", 2L);
    }

    @Test
    void halfTheContinuationsAreSwappedWithTheirSegmentIds() {
        Objective o = create(Map.of());
        List<Example> pairs = FakeExamples.pairs(NspObjectiveTest.TOKENIZER, FakeCorpus.documents(400, 8), 128, 8, 4000);
        long continuations = 0;
        long swaps = 0;
        long tokens = 0;
        for (Example e : pairs) {
            ExampleFeatures f = new ExampleFeatures(e);
            o.prepare(f, NspObjectiveTest.TOKENIZER, RandomSource.of(5, 0, e.index()));
            tokens += e.length();
            if (e.pairLabel() == 1) {
                assertThat(f.scalar(SopObjective.LABEL)).isEqualTo(-100);
                continue;
            }
            continuations++;
            long label = f.scalar(SopObjective.LABEL);
            swaps += label;
            Example x = f.example();
            int firstSep = 0;
            while (x.tokens()[firstSep] != 3) {
                firstSep++;
            }
            for (int i = 0; i < x.length(); i++) {
                assertThat(x.segments()[i]).isEqualTo(i <= firstSep ? 0 : 1);
                assertThat(x.special()[i]).isEqualTo(x.tokens()[i] == 2 || x.tokens()[i] == 3);
            }
            // The new A is the old B and vice versa: lengths of the segments swap.
            int oldFirstSep = 0;
            while (e.tokens()[oldFirstSep] != 3) {
                oldFirstSep++;
            }
            assertThat(firstSep).isEqualTo(label == 1 ? e.length() - 1 - oldFirstSep : oldFirstSep);
        }
        assertThat(tokens).isGreaterThanOrEqualTo(100_000);
        assertThat((double) swaps / continuations).isCloseTo(0.5, within(4 * Math.sqrt(0.25 / continuations)));
    }

    @Test
    void toStringShowsTheSwapProbability() {
        assertThat(create(Map.of("swap-probability", "0.25")).toString()).isEqualTo("sop{swap-probability=0.25}");
    }
}

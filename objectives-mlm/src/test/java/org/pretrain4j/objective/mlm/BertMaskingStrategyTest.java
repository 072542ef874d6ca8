package org.pretrain4j.objective.mlm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.pretrain4j.objective.mlm.MaskingSamples.VOCABULARY;
import static org.pretrain4j.objective.mlm.MaskingSamples.id;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pretrain4j.data.Example;
import org.pretrain4j.data.RandomSource;
import org.pretrain4j.spi.MaskDecision;
import org.pretrain4j.spi.MaskingStrategyFactory;
import org.pretrain4j.spi.PluginException;
import org.pretrain4j.testkit.MaskingStrategyContract;

final class BertMaskingStrategyTest implements MaskingStrategyContract {
    /** [CLS] the cat sat on the mat [SEP] the dog ran [SEP] */
    private static final int[] TOKENS = {2, id("the"), id("cat"), id("sat"), id("on"), id("the"), id("mat"), 3,
            id("the"), id("dog"), id("ran"), 3};
    private static final boolean[] SPECIAL = {true, false, false, false, false, false, false, true, false, false, false, true};
    private static final boolean[] STARTS = {true, true, true, true, true, true, true, true, true, true, true, true};

    @Override
    public MaskingStrategyFactory factory() {
        return new BertMaskingStrategyFactory();
    }

    @Test
    void defaults() {
        BertMaskingConfig c = BertMaskingConfig.parse(Map.of());
        assertThat(c).isEqualTo(new BertMaskingConfig(BertMaskingConfig.Selection.EXACT, 0.15, null, MaskReplacement.BERT));
        assertThat(BertMaskingConfig.parse(Map.of("max-predictions", "none"))).as("the listed default").isEqualTo(c);
    }

    @Test
    void fullExplicitMapping() {
        BertMaskingConfig c = BertMaskingConfig.parse(Map.of("selection", "bernoulli", "rate", "0.2", "max-predictions", "20",
                "mask", "0.6", "random", "0.3", "keep", "0.1"));
        assertThat(c).isEqualTo(new BertMaskingConfig(BertMaskingConfig.Selection.BERNOULLI, 0.2, 20,
                new MaskReplacement(0.6, 0.3, 0.1)));
    }

    @Test
    void badValuesNameTheKeyAndTheValue() {
        assertThatThrownBy(() -> BertMaskingConfig.parse(Map.of("selection", "poisson")))
                .isInstanceOf(PluginException.class)
                .hasMessageContaining("'selection' = 'poisson'").hasMessageContaining("[exact, bernoulli]");
        assertThatThrownBy(() -> BertMaskingConfig.parse(Map.of("rate", "0")))
                .hasMessageContaining("'rate' = '0'");
        assertThatThrownBy(() -> BertMaskingConfig.parse(Map.of("max-predictions", "2.5")))
                .hasMessageContaining("'max-predictions' = '2.5'");
        assertThatThrownBy(() -> BertMaskingConfig.parse(Map.of("mask", "0.9")))
                .hasMessageContaining("sum to 1");
        assertThatThrownBy(() -> BertMaskingConfig.parse(Map.of("masks", "0.9")))
                .hasMessageContaining("Unknown property 'masks' for masking strategy 'bert'");
    }

    @Test
    void exactGolden() {
        // Candidates are the 9 ordinary positions [1 2 3 4 5 6 8 9 10]; budget = rint(9 x 0.3 = 2.7) = 3.
        RandomSource replay = RandomSource.of(2024, 0, 0);
        assertThat(replay.nextInt(0, 9)).isEqualTo(2); // swap slots 0,2: [3 2 1 4 5 6 8 9 10]
        assertThat(replay.nextInt(1, 9)).isEqualTo(8); // swap slots 1,8: [3 10 1 4 5 6 8 9 2]
        assertThat(replay.nextInt(2, 9)).isEqualTo(5); // swap slots 2,5: [3 10 6 4 5 1 8 9 2] -> chosen {3, 10, 6}
        assertThat(replay.nextDouble()).isCloseTo(0.2180, within(1e-4)); // position 3 "sat": < 0.5 -> [MASK]
        assertThat(replay.nextDouble()).isCloseTo(0.8701, within(1e-4)); // position 6 "mat": >= 0.8 -> kept
        assertThat(replay.nextDouble()).isCloseTo(0.5416, within(1e-4)); // position 10 "ran": in [0.5, 0.8) -> random
        assertThat(replay.nextInt(92)).isEqualTo(5); // 5th ordinary id (0-based) = id 5 + 5 = 10, "on"

        MaskDecision d = new BertMaskingStrategyFactory()
                .create(Map.of("rate", "0.3", "mask", "0.5", "random", "0.3", "keep", "0.2"))
                .choose(TOKENS, SPECIAL, STARTS, VOCABULARY, RandomSource.of(2024, 0, 0));
        assertThat(d.positions()).containsExactly(3, 6, 10);
        assertThat(d.replacements()).containsExactly(4, id("mat"), id("on"));
    }

    @Test
    void bernoulliGolden() {
        // One draw per candidate in position order; chosen when below 0.3.
        RandomSource replay = RandomSource.of(2024, 0, 1);
        double[] expected = {0.7258, 0.6397, 0.3879, 0.8449, 0.8220, 0.0065, 0.6850, 0.0009, 0.9061};
        for (double e : expected) { // positions 1 2 3 4 5 6 8 9 10: only 6 and 9 are below 0.3
            assertThat(replay.nextDouble()).isCloseTo(e, within(1e-4));
        }
        assertThat(replay.nextDouble()).isCloseTo(0.0590, within(1e-4)); // position 6: [MASK]
        assertThat(replay.nextDouble()).isCloseTo(0.0055, within(1e-4)); // position 9: [MASK]

        MaskDecision d = new BertMaskingStrategyFactory()
                .create(Map.of("selection", "bernoulli", "rate", "0.3", "mask", "0.5", "random", "0.3", "keep", "0.2"))
                .choose(TOKENS, SPECIAL, STARTS, VOCABULARY, RandomSource.of(2024, 0, 1));
        assertThat(d.positions()).containsExactly(6, 9);
        assertThat(d.replacements()).containsExactly(4, 4);
    }

    @Test
    void exactChoosesTheBudgetOfEveryExampleAndSplitsReplacementsEightyTenTen() {
        List<Example> corpus = MaskingSamples.largeCorpus();
        var strategy = factory().create(Map.of());
        long tokens = 0;
        long candidates = 0;
        long chosen = 0;
        long masked = 0;
        long kept = 0;
        long other = 0;
        for (Example e : corpus) {
            MaskDecision d = strategy.choose(e.tokens(), e.special(), e.wordStarts(), VOCABULARY, RandomSource.of(7, 0, e.index()));
            int c = 0;
            for (int i = 0; i < e.length(); i++) {
                c += e.special()[i] ? 0 : 1;
            }
            assertThat(d.size()).as("predictions in %s", e).isEqualTo(Math.max(1, (int) Math.rint(c * 0.15)));
            for (int k = 0; k < d.size(); k++) {
                int p = d.positions()[k];
                int r = d.replacements()[k];
                assertThat(e.special()[p]).isFalse();
                if (r == 4) {
                    masked++;
                } else if (r == e.tokens()[p]) {
                    kept++;
                } else {
                    assertThat(r).as("random replacement").isGreaterThanOrEqualTo(5);
                    other++;
                }
            }
            tokens += e.length();
            candidates += c;
            chosen += d.size();
        }
        assertThat(tokens).isGreaterThanOrEqualTo(100_000);
        // Rounding per example moves the rate by at most 0.5 / example.
        assertThat((double) chosen / candidates).isCloseTo(0.15, within(0.5 * corpus.size() / candidates));
        // A random draw equals the original with probability 1/92, which then reads as kept.
        double pKept = 0.1 + 0.1 / MaskingSamples.ORDINARY;
        double pOther = 0.1 - 0.1 / MaskingSamples.ORDINARY;
        assertThat((double) masked / chosen).isCloseTo(0.8, within(MaskingSamples.tolerance(0.8, chosen)));
        assertThat((double) kept / chosen).isCloseTo(pKept, within(MaskingSamples.tolerance(pKept, chosen)));
        assertThat((double) other / chosen).isCloseTo(pOther, within(MaskingSamples.tolerance(pOther, chosen)));
    }

    @Test
    void bernoulliChoosesEachCandidateWithTheRate() {
        var strategy = factory().create(Map.of("selection", "bernoulli"));
        long candidates = 0;
        long chosen = 0;
        long tokens = 0;
        for (Example e : MaskingSamples.largeCorpus()) {
            MaskDecision d = strategy.choose(e.tokens(), e.special(), e.wordStarts(), VOCABULARY, RandomSource.of(8, 0, e.index()));
            for (int i = 0; i < e.length(); i++) {
                candidates += e.special()[i] ? 0 : 1;
            }
            tokens += e.length();
            chosen += d.size();
        }
        assertThat(tokens).isGreaterThanOrEqualTo(100_000);
        assertThat((double) chosen / candidates).isCloseTo(0.15, within(MaskingSamples.tolerance(0.15, candidates)));
    }

    @Test
    void maxPredictionsCapsBothLaws() {
        for (String selection : List.of("exact", "bernoulli")) {
            var strategy = factory().create(Map.of("selection", selection, "max-predictions", "5"));
            int atCap = 0;
            for (Example e : MaskingSamples.largeCorpus().subList(0, 300)) {
                MaskDecision d = strategy.choose(e.tokens(), e.special(), e.wordStarts(), VOCABULARY, RandomSource.of(3, 0, e.index()));
                assertThat(d.size()).as(selection).isLessThanOrEqualTo(5);
                atCap += d.size() == 5 ? 1 : 0;
            }
            assertThat(atCap).as("%s examples at the cap", selection).isGreaterThan(250);
        }
    }
}

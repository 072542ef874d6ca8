package org.pretrain4j.objective.mlm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.pretrain4j.objective.mlm.MaskingSamples.VOCABULARY;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pretrain4j.data.Example;
import org.pretrain4j.data.RandomSource;
import org.pretrain4j.spi.MaskDecision;
import org.pretrain4j.spi.MaskingStrategy;
import org.pretrain4j.spi.MaskingStrategyFactory;
import org.pretrain4j.spi.PluginException;
import org.pretrain4j.testkit.MaskingStrategyContract;

final class SpanMaskingStrategyTest implements MaskingStrategyContract {
    @Override
    public MaskingStrategyFactory factory() {
        return new SpanMaskingStrategyFactory();
    }

    @Test
    void defaults() {
        assertThat(SpanMaskingConfig.parse(Map.of())).isEqualTo(new SpanMaskingConfig(0.15, null, 0.2, 10, MaskReplacement.BERT));
    }

    @Test
    void fullExplicitMapping() {
        assertThat(SpanMaskingConfig.parse(Map.of("rate", "0.3", "max-predictions", "40", "geometric-p", "0.5", "max-span", "4",
                "mask", "0.9", "random", "0.05", "keep", "0.05")))
                .isEqualTo(new SpanMaskingConfig(0.3, 40, 0.5, 4, new MaskReplacement(0.9, 0.05, 0.05)));
        assertThatThrownBy(() -> SpanMaskingConfig.parse(Map.of("max-span", "0")))
                .isInstanceOf(PluginException.class).hasMessageContaining("'max-span' = '0'");
    }

    @Test
    void lengthLawIsTheTruncatedGeometric() {
        double[] d = SpanMaskingConfig.parse(Map.of()).lengthDistribution();
        double z = 1 - Math.pow(0.8, 10);
        assertThat(d[0]).isCloseTo(0.2 / z, within(1e-12));
        assertThat(d[9]).isCloseTo(0.2 * Math.pow(0.8, 9) / z, within(1e-12));
        double mean = 0;
        for (int l = 1; l <= 10; l++) {
            mean += l * d[l - 1];
        }
        assertThat(mean).as("SpanBERT's mean span of 3.8 words").isCloseTo(3.8, within(0.05));

        SpanMaskingStrategy s = new SpanMaskingStrategy(SpanMaskingConfig.parse(Map.of()));
        int draws = 100_000;
        long[] counts = new long[11];
        RandomSource r = RandomSource.of(4, 4, 4);
        for (int i = 0; i < draws; i++) {
            counts[s.spanLength(r.nextDouble())]++;
        }
        for (int l = 1; l <= 10; l++) {
            double p = d[l - 1];
            assertThat((double) counts[l] / draws).as("length %d", l).isCloseTo(p, within(MaskingSamples.tolerance(p, draws)));
        }
    }

    @Test
    void golden() {
        Example e = WholeWordMaskingStrategyTest.goldenExample();
        // positions: 0 [CLS] | 1 the | 2-6 zebra | 7 ate | 8 bread | 9 [SEP] | 10 a | 11-14 kiwi | 15 sang | 16 [SEP]
        // Words w0..w6 = the, zebra, ate, bread, a, kiwi, sang; budget rint(14 x 0.4 = 5.6) = 6.
        // Cumulative length law (p 0.2, max 10): 0.2241 0.4033 0.5467 0.6614 ...
        RandomSource replay = RandomSource.of(2024, 0, 23);
        assertThat(replay.nextDouble()).isCloseTo(0.5874, within(1e-4)); // length 4 (0.5467 <= u < 0.6614)
        assertThat(replay.nextInt(7)).isEqualTo(3); // anchor w3 "bread" (8); [SEP] follows: span 0 = {8}, covered 1
        assertThat(replay.nextDouble()).isCloseTo(0.1071, within(1e-4)); // length 1
        assertThat(replay.nextInt(7)).isEqualTo(3); // anchor w3 again: already masked, drawn again
        assertThat(replay.nextDouble()).isCloseTo(0.3574, within(1e-4)); // length 2
        assertThat(replay.nextInt(7)).isEqualTo(4); // anchor w4 "a" (10) then w5 "kiwi" (11-14): span 1, covered 6 = budget
        // One decision per span with mask 0.5 / random 0.3 / keep 0.2:
        assertThat(replay.nextDouble()).isCloseTo(0.4115, within(1e-4)); // span 0: [MASK]
        assertThat(replay.nextDouble()).isCloseTo(0.5531, within(1e-4)); // span 1: random, one id per token:
        int[] ordinal = {70, 30, 9, 89, 1}; // ordinary ids 70 30 9 89 1 = ids 75 35 14 94 6 (ids 0-4 are special)
        for (int k : ordinal) {
            assertThat(replay.nextInt(92)).isEqualTo(k);
        }

        MaskDecision d = factory().create(Map.of("rate", "0.4", "mask", "0.5", "random", "0.3", "keep", "0.2"))
                .choose(e.tokens(), e.special(), e.wordStarts(), VOCABULARY, RandomSource.of(2024, 0, 23));
        assertThat(d.positions()).containsExactly(8, 10, 11, 12, 13, 14);
        assertThat(d.replacements()).containsExactly(4, 75, 35, 14, 94, 6);
    }

    @Test
    void fillsTheBudgetExactlyWithContiguousRuns() {
        MaskingStrategy s = factory().create(Map.of());
        long tokens = 0;
        long chosen = 0;
        long runs = 0;
        for (Example e : MaskingSamples.largeCorpus()) {
            MaskDecision d = s.choose(e.tokens(), e.special(), e.wordStarts(), VOCABULARY, RandomSource.of(6, 0, e.index()));
            int c = 0;
            for (int i = 0; i < e.length(); i++) {
                c += e.special()[i] ? 0 : 1;
            }
            assertThat(d.size()).isEqualTo(Math.max(1, (int) Math.rint(c * 0.15)));
            for (int k = 0; k < d.size(); k++) {
                runs += k == 0 || d.positions()[k] != d.positions()[k - 1] + 1 ? 1 : 0;
            }
            tokens += e.length();
            chosen += d.size();
        }
        assertThat(tokens).isGreaterThanOrEqualTo(100_000);
        // Spans of 3.8 words on average (about 1.2 tokens a word here), merged when they touch: far longer runs than single tokens.
        assertThat((double) chosen / runs).as("tokens per contiguous run").isGreaterThan(3.0);
    }
}

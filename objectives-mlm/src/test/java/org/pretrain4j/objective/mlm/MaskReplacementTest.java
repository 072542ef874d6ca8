package org.pretrain4j.objective.mlm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.pretrain4j.data.RandomSource;
import org.pretrain4j.spi.PluginException;

final class MaskReplacementTest {
    @Test
    void probabilitiesMustEachLieInTheUnitIntervalAndSumToOne() {
        assertThatThrownBy(() -> new MaskReplacement(0.8, 0.1, 0.2))
                .isInstanceOf(PluginException.class).hasMessageContaining("sum to 1").hasMessageContaining("keep 0.2");
        assertThatThrownBy(() -> new MaskReplacement(1.2, -0.1, -0.1))
                .isInstanceOf(PluginException.class).hasMessageContaining("'mask' = 1.2");
        assertThatThrownBy(() -> new MaskReplacement(Double.NaN, 0.5, 0.5)).isInstanceOf(PluginException.class);
        // Within 1e-9 of 1 is accepted: decimal fractions rarely add up exactly in binary.
        assertThat(new MaskReplacement(0.7, 0.2, 0.1 + 1e-10).keep()).isEqualTo(0.1 + 1e-10);
        assertThat(new MaskReplacement(1, 0, 0).mask()).isEqualTo(1);
    }

    @Test
    void decisionsFollowTheThresholdsOfOneUniformDraw() {
        MaskReplacement r = new MaskReplacement(0.5, 0.3, 0.2);
        // RandomSource.of(2024, 0, 0) skipped by three nextInt draws gives u = 0.2180, 0.8701, 0.5416 (see BertMaskingStrategyTest).
        RandomSource source = RandomSource.of(2024, 0, 0);
        source.nextInt(0, 9);
        source.nextInt(1, 9);
        source.nextInt(2, 9);
        assertThat(r.decide(source)).isEqualTo(MaskReplacement.Choice.MASK); // 0.2180 < 0.5
        assertThat(r.decide(source)).isEqualTo(MaskReplacement.Choice.KEEP); // 0.8701 >= 0.5 + 0.3
        assertThat(r.decide(source)).isEqualTo(MaskReplacement.Choice.RANDOM); // 0.5 <= 0.5416 < 0.8
    }

    @Test
    void randomIdsAreUniformOverTheOrdinaryIdsAndNeverSpecial() {
        int draws = 184_000;
        long[] counts = new long[MaskingSamples.VOCABULARY.size()];
        RandomSource r = RandomSource.of(1, 2, 3);
        for (int i = 0; i < draws; i++) {
            counts[MaskReplacement.randomOrdinaryId(MaskingSamples.VOCABULARY, r)]++;
        }
        for (int special = 0; special < 5; special++) {
            assertThat(counts[special]).as("draws of special id %d", special).isZero();
        }
        double p = 1.0 / MaskingSamples.ORDINARY;
        for (int id = 5; id < counts.length; id++) {
            assertThat((double) counts[id] / draws).as("frequency of id %d", id)
                    .isCloseTo(p, within(MaskingSamples.tolerance(p, draws)));
        }
    }
}

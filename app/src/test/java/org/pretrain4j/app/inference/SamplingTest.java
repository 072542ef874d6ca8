package org.pretrain4j.app.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

final class SamplingTest {
    private static final float[] LOGITS = {1.0f, 3.0f, 2.0f, 0.0f};

    @Test
    void greedyTakesTheLargestLogit() {
        assertThat(Sampling.greedy().choose(LOGITS, new SplittableRandom(1))).isEqualTo(1);
        assertThat(new Sampling(1.0, 1, 1.0, 3).choose(LOGITS, new SplittableRandom(1))).isEqualTo(1);
    }

    @Test
    void temperatureOneIsTheSoftmax() {
        double[] p = new Sampling(1.0, 0, 1.0, 0).distribution(LOGITS);
        double z = Math.exp(1) + Math.exp(3) + Math.exp(2) + Math.exp(0);

        assertThat(p[1]).isCloseTo(Math.exp(3) / z, within(1e-12));
        assertThat(p[3]).isCloseTo(1 / z, within(1e-12));
    }

    @Test
    void topKAndTopPKeepOnlyTheLikeliestTokens() {
        double[] k2 = new Sampling(1.0, 2, 1.0, 0).distribution(LOGITS);
        assertThat(k2[0]).isZero();
        assertThat(k2[3]).isZero();
        assertThat(k2[1] + k2[2]).isCloseTo(1, within(1e-12));
        assertThat(k2[1] / k2[2]).isCloseTo(Math.E, within(1e-9));

        // p(1) = 0.644, p(2) = 0.237: 0.7 needs both, 0.5 only the first.
        double[] p07 = new Sampling(1.0, 0, 0.7, 0).distribution(LOGITS);
        assertThat(p07[0]).isZero();
        assertThat(p07[2]).isPositive();
        double[] p05 = new Sampling(1.0, 0, 0.5, 0).distribution(LOGITS);
        assertThat(p05[1]).isEqualTo(1.0);
    }

    @Test
    void drawsFollowTheDistributionWithinSamplingError() {
        Sampling sampling = new Sampling(2.0, 0, 1.0, 0);
        double[] p = sampling.distribution(LOGITS);
        SplittableRandom random = new SplittableRandom(42);
        int n = 100_000;
        int[] counts = new int[LOGITS.length];
        for (int i = 0; i < n; i++) {
            counts[sampling.choose(LOGITS, random)]++;
        }
        for (int i = 0; i < LOGITS.length; i++) {
            double sd = Math.sqrt(p[i] * (1 - p[i]) / n);
            assertThat((double) counts[i] / n).as("token %d", i).isCloseTo(p[i], within(5 * sd));
        }
    }

    @Test
    void badSettingsNameTheOption() {
        assertThatThrownBy(() -> new Sampling(-1, 0, 1, 0)).hasMessageContaining("--temperature");
        assertThatThrownBy(() -> new Sampling(1, -1, 1, 0)).hasMessageContaining("--top-k");
        assertThatThrownBy(() -> new Sampling(1, 0, 0, 0)).hasMessageContaining("--top-p");
    }
}

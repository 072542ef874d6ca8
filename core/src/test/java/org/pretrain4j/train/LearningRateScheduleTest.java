package org.pretrain4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

final class LearningRateScheduleTest {
    private static final double EPS = 1e-15;

    @Test
    void linearWarmsUpThenDecaysToZeroAtTheEnd() {
        LearningRateSchedule s = new LearningRateSchedule(Schedule.LINEAR, 1e-3, 10, 110);
        assertThat(s.at(0)).isEqualTo(0.0);
        assertThat(s.at(1)).isCloseTo(1e-4, within(EPS));
        assertThat(s.at(5)).isCloseTo(5e-4, within(EPS));
        assertThat(s.at(10)).isCloseTo(1e-3, within(EPS));
        // (T - c) / (T - W) = (110 - 60) / 100
        assertThat(s.at(60)).isCloseTo(5e-4, within(EPS));
        assertThat(s.at(109)).isCloseTo(1e-5, within(EPS));
        assertThat(s.at(110)).isEqualTo(0.0);
        assertThat(s.at(500)).isEqualTo(0.0);
    }

    @Test
    void cosineFollowsHalfAWave() {
        LearningRateSchedule s = new LearningRateSchedule(Schedule.COSINE, 2.0, 4, 104);
        assertThat(s.at(2)).isCloseTo(1.0, within(EPS));
        assertThat(s.at(4)).isCloseTo(2.0, within(EPS));
        assertThat(s.at(54)).isCloseTo(1.0, within(1e-12));
        // progress 0.25: 0.5 * (1 + cos(pi / 4))
        assertThat(s.at(29)).isCloseTo(2.0 * 0.5 * (1 + Math.sqrt(0.5)), within(1e-12));
        assertThat(s.at(104)).isCloseTo(0.0, within(1e-15));
    }

    @Test
    void constantHoldsThePeakAfterWarmUp() {
        LearningRateSchedule s = new LearningRateSchedule(Schedule.CONSTANT, 0.5, 2, 10);
        assertThat(s.at(0)).isEqualTo(0.0);
        assertThat(s.at(1)).isEqualTo(0.25);
        assertThat(s.at(2)).isEqualTo(0.5);
        assertThat(s.at(9)).isEqualTo(0.5);
    }

    @Test
    void withoutWarmUpTheFirstStepUsesThePeak() {
        assertThat(new LearningRateSchedule(Schedule.LINEAR, 1.0, 0, 4).at(0)).isEqualTo(1.0);
        assertThat(new LearningRateSchedule(Schedule.LINEAR, 1.0, 0, 4).at(2)).isEqualTo(0.5);
        assertThat(new LearningRateSchedule(Schedule.COSINE, 1.0, 0, 4).at(0)).isEqualTo(1.0);
    }

    @Test
    void warmUpFractionRoundsUpLikeHuggingFace() {
        TrainerConfig c = TrainerConfig.builder().steps(1000).warmupFraction(0.0015).build();
        assertThat(c.effectiveWarmupSteps()).isEqualTo(2);
        assertThat(LearningRateSchedule.of(c).at(1)).isCloseTo(c.learningRate() / 2, within(EPS));
        assertThat(TrainerConfig.builder().steps(100).warmupSteps(7).build().effectiveWarmupSteps()).isEqualTo(7);
    }

    @Test
    void rejectsBadValuesNamingThem() {
        assertThatThrownBy(() -> new LearningRateSchedule(Schedule.LINEAR, 0, 0, 10)).hasMessageContaining("learning-rate");
        assertThatThrownBy(() -> new LearningRateSchedule(Schedule.LINEAR, 1, 11, 10)).hasMessageContaining("warmup-steps");
        assertThatThrownBy(() -> new LearningRateSchedule(Schedule.LINEAR, 1, 0, 10).at(-1)).hasMessageContaining("negative");
        assertThatThrownBy(() -> Schedule.parse("step")).hasMessageContaining("Available: [linear, cosine, constant]");
    }
}

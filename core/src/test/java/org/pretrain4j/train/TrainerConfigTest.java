package org.pretrain4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

final class TrainerConfigTest {
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void defaults() {
        TrainerConfig c = TrainerConfig.builder().build();
        assertThat(c.steps()).isEqualTo(1000);
        assertThat(c.batchSize()).isEqualTo(32);
        assertThat(c.accumulationSteps()).isEqualTo(1);
        assertThat(c.learningRate()).isEqualTo(1e-4);
        assertThat(c.schedule()).isEqualTo(Schedule.LINEAR);
        assertThat(c.effectiveWarmupSteps()).isEqualTo(100);
        assertThat(c.keepCheckpoints()).isEqualTo(3);
        assertThat(c.seed()).isEqualTo(42);
        assertThat(c.optimizer()).isEqualTo(org.pretrain4j.graph.AdamW.Config.bert());
    }

    @Test
    void fullExplicitMappingRoundTripsThroughJsonWithKebabCaseKeys() throws Exception {
        TrainerConfig c = TrainerConfig.builder().steps(77).batchSize(8).accumulationSteps(4).learningRate(3e-4)
                .warmupSteps(5).schedule(Schedule.COSINE)
                .optimizer(new org.pretrain4j.graph.AdamW.Config(0.8, 0.98, 1e-8, 0.1, 0.5)).evalEvery(10).evalBatches(3).checkpointEvery(20)
                .keepCheckpoints(2).seed(7).logEvery(5).build();
        JsonNode tree = json.valueToTree(c);
        assertThat(tree.get("accumulation-steps").asInt()).isEqualTo(4);
        assertThat(tree.get("schedule").asText()).isEqualTo("cosine");
        assertThat(tree.get("warmup-steps").asLong()).isEqualTo(5);
        assertThat(c.examplesPerStep()).isEqualTo(32);
        assertThat(tree.get("optimizer").get("weightDecay").asDouble()).isEqualTo(0.1);
        assertThat(json.treeToValue(tree, TrainerConfig.class)).isEqualTo(c);
    }

    @Test
    void everyInvalidValueIsRejectedNamingItsKey() {
        expectInvalid(b -> b.steps(0), "'steps'");
        expectInvalid(b -> b.batchSize(0), "'batch-size'");
        expectInvalid(b -> b.accumulationSteps(0), "'accumulation-steps'");
        expectInvalid(b -> b.learningRate(Double.NaN), "'learning-rate'");
        expectInvalid(b -> b.learningRate(-1), "'learning-rate'");
        expectInvalid(b -> b.steps(10).warmupSteps(11), "'warmup-steps'");
        expectInvalid(b -> b.warmupFraction(1.5), "'warmup-fraction'");
        expectInvalid(b -> b.evalEvery(-1), "'eval-every'");
        expectInvalid(b -> b.evalBatches(-1), "'eval-batches'");
        expectInvalid(b -> b.checkpointEvery(-1), "'checkpoint-every'");
        expectInvalid(b -> b.keepCheckpoints(0), "'keep-checkpoints'");
        expectInvalid(b -> b.logEvery(0), "'log-every'");
    }

    private static void expectInvalid(UnaryOperator<TrainerConfig.Builder> change, String key) {
        assertThatThrownBy(() -> change.apply(TrainerConfig.builder()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(key);
    }
}

package org.pretrain4j.objective.mlm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.pretrain4j.objective.mlm.MaskingSamples.id;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pretrain4j.data.Batch;
import org.pretrain4j.data.BatchBuilder;
import org.pretrain4j.data.Example;
import org.pretrain4j.data.ExampleFeatures;
import org.pretrain4j.data.RandomSource;
import org.pretrain4j.graph.Op;
import org.pretrain4j.graph.Tensor;
import org.pretrain4j.nn.TransformerConfig;
import org.pretrain4j.spi.AttentionKind;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.spi.ObjectiveFactory;
import org.pretrain4j.spi.PluginException;
import org.pretrain4j.testkit.FakeModelContext;
import org.pretrain4j.testkit.FakeTokenizer;
import org.pretrain4j.testkit.ObjectiveContract;
import org.pretrain4j.testkit.ServiceLoaderPlugins;

final class MlmObjectiveTest implements ObjectiveContract {
    /** [CLS] the cat sat on the mat [SEP] the dog ran [SEP] */
    private static final int[] TOKENS = {2, id("the"), id("cat"), id("sat"), id("on"), id("the"), id("mat"), 3,
            id("the"), id("dog"), id("ran"), 3};
    private static final boolean[] SPECIAL = {true, false, false, false, false, false, false, true, false, false, false, true};

    @Override
    public ObjectiveFactory factory() {
        return new MlmObjectiveFactory();
    }

    private static Objective create(Map<String, String> properties) {
        return new MlmObjectiveFactory().create(properties, new ServiceLoaderPlugins());
    }

    @Test
    void defaults() {
        assertThat(MlmConfig.parse(Map.of())).isEqualTo(new MlmConfig("bert", Map.of()));
        MlmObjective o = (MlmObjective) create(Map.of());
        assertThat(o.toString()).contains("bert");
    }

    @Test
    void fullExplicitMapping() {
        Map<String, String> all = Map.of("strategy", "whole-word", "strategy.rate", "0.2", "strategy.max-predictions", "20",
                "strategy.mask", "0.7", "strategy.random", "0.2", "strategy.keep", "0.1");
        assertThat(MlmConfig.parse(all)).isEqualTo(new MlmConfig("whole-word", Map.of("rate", "0.2", "max-predictions", "20",
                "mask", "0.7", "random", "0.2", "keep", "0.1")));
        assertThat(create(all)).isNotNull();
        assertThat(create(Map.of("strategy", "bert", "strategy.selection", "bernoulli"))).isNotNull();
    }

    @Test
    void anUnknownStrategyListsTheAvailableOnes() {
        assertThatThrownBy(() -> create(Map.of("strategy", "random-words")))
                .isInstanceOf(PluginException.class)
                .hasMessageContaining("'random-words'").hasMessageContaining("[bert, span, whole-word]");
    }

    @Test
    void strategyPropertiesAreCheckedByTheStrategy() {
        assertThatThrownBy(() -> create(Map.of("strategy.selection", "exact", "strategy", "span")))
                .isInstanceOf(PluginException.class)
                .hasMessageContaining("'selection'").hasMessageContaining("masking strategy 'span'").hasMessageContaining("strategy.*");
        assertThatThrownBy(() -> create(Map.of("strategy.rate", "lots")))
                .isInstanceOf(PluginException.class).hasMessageContaining("'rate' = 'lots'");
    }

    @Test
    void aTokenizerWithoutMaskTokenFailsClearly() {
        FakeTokenizer bpe = FakeTokenizer.bytePairStyle();
        Example e = new Example(0, new int[] {5, 6, 7}, new int[3], new boolean[3], new boolean[] {true, true, true}, -1);
        assertThatThrownBy(() -> create(Map.of()).prepare(new ExampleFeatures(e), bpe, RandomSource.of(1, 0, 0)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("needs a mask token").hasMessageContaining("BYTE_LEVEL_BPE");
    }

    @Test
    void goldenPrepareAndCollate() {
        Objective o = create(Map.of("strategy.mask", "0.2", "strategy.random", "0.5", "strategy.keep", "0.3"));
        Example first = new Example(0, TOKENS, new int[12], SPECIAL, new boolean[12], -1);
        Example second = new Example(1, TOKENS, new int[12], SPECIAL, new boolean[12], -1);
        // The objective draws from fork("mlm") of the example's source; candidates [1 2 3 4 5 6 8 9 10], budget rint(9 x 0.15) = 1.
        RandomSource replay0 = RandomSource.of(1, 0, 0).fork("mlm");
        assertThat(replay0.nextInt(0, 9)).isEqualTo(4); // slot 4 holds position 5, "the"
        assertThat(replay0.nextDouble()).isCloseTo(0.1789, within(1e-4)); // < 0.2: [MASK]
        RandomSource replay1 = RandomSource.of(1, 0, 1).fork("mlm");
        assertThat(replay1.nextInt(0, 9)).isEqualTo(1); // slot 1 holds position 2, "cat"
        assertThat(replay1.nextDouble()).isCloseTo(0.2496, within(1e-4)); // in [0.2, 0.7): random
        assertThat(replay1.nextInt(92)).isEqualTo(28); // ordinary id 28 = id 33, "girl"

        ExampleFeatures f0 = new ExampleFeatures(first);
        ExampleFeatures f1 = new ExampleFeatures(second);
        o.prepare(f0, MaskingSamples.TOKENIZER, RandomSource.of(1, 0, 0));
        o.prepare(f1, MaskingSamples.TOKENIZER, RandomSource.of(1, 0, 1));
        assertThat(f0.array(MlmObjective.POSITIONS)).containsExactly(5);
        assertThat(f0.array(MlmObjective.LABELS)).containsExactly(id("the"));
        assertThat(f0.inputIds()[5]).isEqualTo(4);
        assertThat(f1.array(MlmObjective.POSITIONS)).containsExactly(2);
        assertThat(f1.array(MlmObjective.LABELS)).containsExactly(id("cat"));
        assertThat(f1.inputIds()[2]).isEqualTo(id("girl"));
        assertThat(first.tokens()[5]).as("the example itself").isEqualTo(id("the"));

        BatchBuilder b = new BatchBuilder();
        o.collate(List.of(f0, f1), 16, b);
        Batch batch = b.build(2, 32);
        assertThat(batch.inputs().get(MlmObjective.POSITIONS).longs()).containsExactly(5, 16 + 2);
        assertThat(batch.inputs().get(MlmObjective.LABELS).longs()).containsExactly(id("the"), id("cat"));
        assertThat(batch.counts()).containsEntry("masked_lm", 2L);
    }

    @Test
    void theHeadProjectsOnlyTheGatheredPositionsOntoTheTiedEmbedding() {
        FakeModelContext model = new FakeModelContext(
                new TransformerConfig(1, 8, 2, 16, 97, 32, 2, AttentionKind.BIDIRECTIONAL, 0, 0, 1e-12, 0.02),
                MaskingSamples.TOKENIZER.specialTokens(), true);
        create(Map.of()).buildLoss(model);
        List<Tensor> projections = model.graph().nodes().stream()
                .filter(t -> t.op() instanceof Op.MatMul)
                .filter(t -> t.inputs().get(1).op() instanceof Op.Transpose
                        && t.inputs().get(1).inputs().get(0) == model.tokenEmbedding())
                .toList();
        assertThat(projections).hasSize(1);
        assertThat(projections.get(0).shape().toString()).isEqualTo("[masked_count, 97]");
        assertThat(model.graph().named("cls/predictions/output_bias").shape().toString()).isEqualTo("[97]");
        assertThat(model.graph().named("cls/predictions/transform/dense/weight")).isNotNull();
        assertThat(model.graph().named("cls/predictions/transform/LayerNorm/gamma")).isNotNull();
    }

    @Test
    void metricsArePerPredictedToken() {
        Objective o = create(Map.of());
        assertThat(o.metrics("masked_lm", Map.of("loss_sum", 30.0, "count", 10.0, "correct", 4.0)))
                .containsExactly(Map.entry("masked_lm_loss", 3.0), Map.entry("masked_lm_accuracy", 0.4));
        assertThat(o.metrics("masked_lm", Map.of("loss_sum", 0.0, "count", 0.0, "correct", 0.0))).isEmpty();
        assertThatThrownBy(() -> o.metrics("next_sentence", Map.of())).hasMessageContaining("next_sentence");
    }

    @Test
    void toStringShowsTheStrategyAndItsProperties() {
        assertThat(create(Map.of()).toString()).isEqualTo("mlm{strategy=bert}");
        assertThat(create(Map.of("strategy", "span", "strategy.rate", "0.4")).toString())
                .isEqualTo("mlm{strategy=span, strategy.rate=0.4}");
    }
}

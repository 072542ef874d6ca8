package org.pretrain4j.objective.clm;

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
import org.pretrain4j.data.ExampleLayout;
import org.pretrain4j.data.RandomSource;
import org.pretrain4j.spi.AttentionKind;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.spi.ObjectiveFactory;
import org.pretrain4j.spi.PluginException;
import org.pretrain4j.testkit.FakeTokenizer;
import org.pretrain4j.testkit.ObjectiveContract;
import org.pretrain4j.testkit.ServiceLoaderPlugins;
import org.pretrain4j.text.Tokenizer;

final class ClmObjectiveTest implements ObjectiveContract {
    private static final FakeTokenizer BPE = FakeTokenizer.bytePairStyle();

    @Override
    public ObjectiveFactory factory() {
        return new ClmObjectiveFactory();
    }

    @Override
    public Tokenizer tokenizer() {
        return BPE;
    }

    private static Objective create() {
        return new ClmObjectiveFactory().create(Map.of(), new ServiceLoaderPlugins());
    }

    @Test
    void defaults() {
        assertThat(ClmConfig.parse(Map.of())).isEqualTo(new ClmConfig(false));
    }

    @Test
    void fullExplicitMapping() {
        assertThat(ClmConfig.parse(Map.of("output-bias", "true"))).isEqualTo(new ClmConfig(true));
        assertThatThrownBy(() -> ClmConfig.parse(Map.of("output-bias", "maybe"))).isInstanceOf(PluginException.class)
                .hasMessageContaining("'output-bias'");
        assertThatThrownBy(() -> ClmConfig.parse(Map.of("weight", "2")))
                .isInstanceOf(PluginException.class).hasMessageContaining("'weight'").hasMessageContaining("objective 'clm'");
    }

    @Test
    void isCausalOnPackedBlocks() {
        Objective o = create();
        assertThat(o.attention()).isEqualTo(AttentionKind.CAUSAL);
        assertThat(o.layout()).contains(ExampleLayout.PACKED_BLOCKS);
    }

    @Test
    void endOfTextIsATargetEvenThoughItIsAlsoThePadding() {
        int eot = BPE.specialTokens().eos();
        assertThat(BPE.specialTokens().pad()).isEqualTo(eot);
        int the = BPE.tokenToId("\u0120the");
        int cat = BPE.tokenToId("\u0120cat");
        int dog = BPE.tokenToId("\u0120dog");
        // "the cat <eot> the dog" then padding to 8: the block is 5 tokens long.
        Example e = new Example(0, new int[] {the, cat, eot, the, dog}, new int[5], new boolean[] {false, false, true, false, false},
                new boolean[] {true, true, true, true, true}, -1);
        Example shortOne = new Example(1, new int[] {eot, the}, new int[2], new boolean[] {true, false}, new boolean[] {true, true}, -1);
        Objective o = create();
        ExampleFeatures f = new ExampleFeatures(e);
        ExampleFeatures g = new ExampleFeatures(shortOne);
        o.prepare(f, BPE, RandomSource.of(1, 0, 0));
        o.prepare(g, BPE, RandomSource.of(1, 0, 1));
        assertThat(f.array(ClmObjective.LABELS)).containsExactly(cat, eot, the, dog, -100);
        assertThat(g.array(ClmObjective.LABELS)).containsExactly(the, -100);
        assertThat(f.inputIds()).containsExactly(the, cat, eot, the, dog);

        BatchBuilder b = new BatchBuilder();
        o.collate(List.of(f, g), 8, b);
        Batch batch = b.build(2, 16);
        assertThat(batch.inputs().get(ClmObjective.LABELS).shape()).containsExactly(2, 8);
        assertThat(batch.inputs().get(ClmObjective.LABELS).longs()).containsExactly(
                cat, eot, the, dog, -100, -100, -100, -100,
                the, -100, -100, -100, -100, -100, -100, -100);
        assertThat(batch.counts()).containsEntry("causal_lm", 5L);
    }

    @Test
    void metricsIncludePerplexityAndBitsPerToken() {
        Map<String, Double> m = create().metrics("causal_lm", Map.of("loss_sum", 20.0, "count", 10.0, "correct", 3.0));
        assertThat(m).containsOnlyKeys("causal_lm_loss", "causal_lm_accuracy", "causal_lm_perplexity", "causal_lm_bits_per_token");
        assertThat(m.get("causal_lm_loss")).isEqualTo(2.0);
        assertThat(m.get("causal_lm_accuracy")).isEqualTo(0.3);
        assertThat(m.get("causal_lm_perplexity")).isCloseTo(Math.exp(2), within(1e-12));
        assertThat(m.get("causal_lm_bits_per_token")).isCloseTo(2 / Math.log(2), within(1e-12));
        assertThat(create().metrics("causal_lm", Map.of("loss_sum", 0.0, "count", 0.0))).isEmpty();
    }

    @Test
    void toStringIsTheName() {
        assertThat(create().toString()).isEqualTo("clm");
    }
}

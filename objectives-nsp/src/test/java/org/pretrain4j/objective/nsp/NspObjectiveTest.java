package org.pretrain4j.objective.nsp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pretrain4j.data.Batch;
import org.pretrain4j.data.BatchBuilder;
import org.pretrain4j.data.Example;
import org.pretrain4j.data.ExampleFeatures;
import org.pretrain4j.data.ExampleLayout;
import org.pretrain4j.data.RandomSource;
import org.pretrain4j.nn.TransformerConfig;
import org.pretrain4j.spi.AttentionKind;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.spi.ObjectiveFactory;
import org.pretrain4j.spi.PluginException;
import org.pretrain4j.testkit.FakeModelContext;
import org.pretrain4j.testkit.FakeTokenizer;
import org.pretrain4j.testkit.ObjectiveContract;
import org.pretrain4j.testkit.ServiceLoaderPlugins;

final class NspObjectiveTest implements ObjectiveContract {
    static final FakeTokenizer TOKENIZER = FakeTokenizer.wordPiece();

    @Override
    public ObjectiveFactory factory() {
        return new NspObjectiveFactory();
    }

    private static Objective create() {
        return new NspObjectiveFactory().create(Map.of(), new ServiceLoaderPlugins());
    }

    /** [CLS] the cat [SEP] a dog ran [SEP] with the given pair label. */
    static Example pair(long index, int label) {
        int[] tokens = {2, TOKENIZER.tokenToId("the"), TOKENIZER.tokenToId("cat"), 3, TOKENIZER.tokenToId("a"),
                TOKENIZER.tokenToId("dog"), TOKENIZER.tokenToId("ran"), 3};
        return new Example(index, tokens, new int[] {0, 0, 0, 0, 1, 1, 1, 1},
                new boolean[] {true, false, false, true, false, false, false, true},
                new boolean[] {true, true, true, true, true, true, true, true}, label);
    }

    @Test
    void defaults() {
        assertThat(NspConfig.parse(Map.of())).isEqualTo(new NspConfig());
    }

    @Test
    void fullExplicitMapping() {
        // nsp has no keys: the full mapping is the empty one; the composition reads nsp.weight, not the objective.
        assertThat(NspConfig.PROPERTIES).isEmpty();
        assertThatThrownBy(() -> NspConfig.parse(Map.of("weight", "0.5")))
                .isInstanceOf(PluginException.class).hasMessageContaining("'weight'").hasMessageContaining("objective 'nsp'");
    }

    @Test
    void isBidirectionalOnSentencePairs() {
        assertThat(create().attention()).isEqualTo(AttentionKind.BIDIRECTIONAL);
        assertThat(create().layout()).contains(ExampleLayout.SENTENCE_PAIRS);
    }

    @Test
    void theLabelIsThePairsAndTheIdsAreUntouched() {
        Objective o = create();
        ExampleFeatures next = new ExampleFeatures(pair(0, 0));
        ExampleFeatures random = new ExampleFeatures(pair(1, 1));
        o.prepare(next, TOKENIZER, RandomSource.of(1, 0, 0));
        o.prepare(random, TOKENIZER, RandomSource.of(1, 0, 1));
        assertThat(next.inputIds()).isEqualTo(pair(0, 0).tokens());
        BatchBuilder b = new BatchBuilder();
        o.collate(List.of(next, random), 8, b);
        Batch batch = b.build(2, 16);
        assertThat(batch.inputs().get(NspObjective.LABELS).shape()).containsExactly(2);
        assertThat(batch.inputs().get(NspObjective.LABELS).longs()).containsExactly(0, 1);
        assertThat(batch.counts()).containsEntry("next_sentence", 2L);
    }

    @Test
    void examplesWithoutAPairLabelFailNamingTheLayout() {
        Example block = new Example(7, new int[] {2, 5, 3}, new int[3], new boolean[] {true, false, true}, new boolean[3], -1);
        assertThatThrownBy(() -> create().prepare(new ExampleFeatures(block), TOKENIZER, RandomSource.of(1, 0, 7)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("example 7").hasMessageContaining("pair label -1").hasMessageContaining("packed blocks");
    }

    @Test
    void theHeadIsBertsPoolerAndSeqRelationship() {
        FakeModelContext model = new FakeModelContext(new TransformerConfig(1, 8, 2, 16, TOKENIZER.vocabularySize(), 32, 2,
                AttentionKind.BIDIRECTIONAL, 0, 0, 1e-12, 0.02), TOKENIZER.specialTokens(), false);
        var outputs = create().buildInference(model);
        assertThat(outputs).containsOnlyKeys("seq_relationship_logits");
        assertThat(outputs.get("seq_relationship_logits").shape().toString()).isEqualTo("[batch_size, 2]");
        assertThat(model.graph().named("pooler/dense/weight").shape().toString()).isEqualTo("[8, 8]");
        assertThat(model.graph().named("pooler/dense/bias")).isNotNull();
        assertThat(model.graph().named("cls/seq_relationship/weight").shape().toString()).isEqualTo("[8, 2]");
    }

    @Test
    void metricsAndTheLabelConventionForTheExport() {
        assertThat(create().metrics("next_sentence", Map.of("loss_sum", 8.0, "count", 16.0, "correct", 12.0)))
                .containsExactly(Map.entry("next_sentence_loss", 0.5), Map.entry("next_sentence_accuracy", 0.75));
        assertThat(create().exportMetadata().get("next_sentence_labels"))
                .contains("0 = B is the next segment").contains("1 = B is a random segment");
    }

    @Test
    void toStringIsTheName() {
        assertThat(create().toString()).isEqualTo("nsp");
    }
}

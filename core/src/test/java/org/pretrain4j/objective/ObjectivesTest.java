package org.pretrain4j.objective;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.pretrain4j.data.BatchBuilder;
import org.pretrain4j.data.Example;
import org.pretrain4j.data.ExampleFeatures;
import org.pretrain4j.data.ExampleLayout;
import org.pretrain4j.data.RandomSource;
import org.pretrain4j.graph.Graph;
import org.pretrain4j.graph.Tensor;
import org.pretrain4j.nn.Transformer;
import org.pretrain4j.spi.AttentionKind;
import org.pretrain4j.spi.LossTerm;
import org.pretrain4j.spi.ModelContext;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.spi.PluginException;
import org.pretrain4j.testkit.FakePairObjective;
import org.pretrain4j.testkit.FakeTokenObjective;
import org.pretrain4j.testkit.TinyModels;
import org.pretrain4j.text.Tokenizer;

final class ObjectivesTest {
    private final FakeTokenObjective token = new FakeTokenObjective(AttentionKind.BIDIRECTIONAL);
    private final FakePairObjective pair = new FakePairObjective();

    @Test
    void incompatibleAttentionFailsSayingWhy() {
        Objective clm = new FakeTokenObjective(AttentionKind.CAUSAL, "clm");
        Objective mlm = new FakeTokenObjective(AttentionKind.BIDIRECTIONAL, "mlm");
        assertThatThrownBy(() -> Objectives.compose(List.of(clm, mlm), Map.of()))
                .isInstanceOf(PluginException.class)
                .hasMessageStartingWith("clm+mlm: clm needs causal attention, mlm bidirectional");
    }

    @Test
    void twoDifferentLayoutsFail() {
        Objective packed = new Recording("packer", Optional.of(ExampleLayout.PACKED_BLOCKS), new ArrayList<>());
        assertThatThrownBy(() -> Objectives.compose(List.of(packed, pair), Map.of()))
                .isInstanceOf(PluginException.class)
                .hasMessageContaining("packer+fake-pair: packer lays out packed blocks, fake-pair sentence pairs");
    }

    @Test
    void badNamesAndWeightsFail() {
        assertThatThrownBy(() -> Objectives.compose(List.of(token, token), Map.of()))
                .hasMessageContaining("'fake-token' is given twice");
        assertThatThrownBy(() -> Objectives.compose(List.of(token, pair), Map.of("nsp", 0.5)))
                .hasMessageContaining("weight given for 'nsp'").hasMessageContaining("[fake-token, fake-pair]");
        assertThatThrownBy(() -> Objectives.compose(List.of(token, pair), Map.of("fake-pair", -1.0)))
                .hasMessageContaining("fake-pair.weight must be a finite number > 0, got -1.0");
        assertThatThrownBy(() -> Objectives.compose(List.of(), Map.of())).hasMessageContaining("no objective");
    }

    @Test
    void aSinglePartIsItselfAndNoLayoutMeansPackedBlocks() {
        assertThat(Objectives.compose(List.of(token), Map.of())).isSameAs(token);
        Objective weighted = Objectives.compose(List.of(token), Map.of("fake-token", 2.0));
        assertThat(weighted.name()).isEqualTo("fake-token");
        assertThat(weighted.layout()).contains(ExampleLayout.PACKED_BLOCKS);
    }

    @Test
    void theLayoutOwnerPreparesFirstAndEveryPartCollates() {
        List<String> calls = new ArrayList<>();
        Objective decorator = new Recording("decorator", Optional.empty(), calls);
        Objective owner = new Recording("owner", Optional.of(ExampleLayout.SENTENCE_PAIRS), calls);
        Objective composed = Objectives.compose(List.of(decorator, owner), Map.of());
        assertThat(composed.name()).isEqualTo("decorator+owner");
        assertThat(composed.layout()).contains(ExampleLayout.SENTENCE_PAIRS);
        ExampleFeatures features = new ExampleFeatures(new Example(0, new int[] {2, 7, 3}, new int[3], new boolean[3], new boolean[3], 1));
        composed.prepare(features, null, RandomSource.of(1, 0, 0));
        composed.collate(List.of(features), 4, new BatchBuilder());
        assertThat(calls).containsExactly("prepare owner", "prepare decorator", "collate owner", "collate decorator");
    }

    @Test
    void termsAreWeightedAndMetricsGoToTheirOwner() {
        Objective composed = Objectives.compose(List.of(token, pair), Map.of("fake-pair", 0.25));
        assertThat(composed.name()).isEqualTo("fake-token+fake-pair");
        assertThat(composed.attention()).isEqualTo(AttentionKind.BIDIRECTIONAL);
        Transformer model = Transformer.build(new Graph(), TinyModels.config(AttentionKind.BIDIRECTIONAL, 0.1),
                TinyModels.BERT_TOKENS, true);
        List<LossTerm> terms = composed.buildLoss(model);
        assertThat(terms).extracting(LossTerm::name).containsExactly("token", "pair");
        assertThat(terms).extracting(LossTerm::weight).containsExactly(1.0, 0.25);
        assertThat(composed.metrics("pair", Map.of("loss_sum", 3.0, "count", 4.0, "correct", 1.0)))
                .containsEntry("pair_loss", 0.75).containsEntry("pair_accuracy", 0.25);
        assertThat(composed.metrics("token", Map.of("loss_sum", 8.0, "count", 4.0, "correct", 2.0)))
                .containsOnlyKeys("token_loss", "token_accuracy");
        assertThatThrownBy(() -> composed.metrics("nope", Map.of())).hasMessageContaining("'nope'");
        Map<String, Tensor> inference = composed.buildInference(Transformer.build(new Graph(),
                TinyModels.config(AttentionKind.BIDIRECTIONAL, 0.1), TinyModels.BERT_TOKENS, false));
        assertThat(inference).containsOnlyKeys("logits", "seq_relationship_logits");
        assertThat(composed.exportMetadata()).containsEntry("fake_pair.labels", "0=next,1=random");
    }

    @Test
    void aTermOrOutputBuiltTwiceFails() {
        Objective other = new FakeTokenObjective(AttentionKind.BIDIRECTIONAL, "other-token");
        Objective composed = Objectives.compose(List.of(token, other), Map.of());
        Transformer model = Transformer.build(new Graph(), TinyModels.config(AttentionKind.BIDIRECTIONAL, 0.0),
                TinyModels.BERT_TOKENS, false);
        // Both heads declare the same bias variable, which the graph refuses before the term check.
        assertThatThrownBy(() -> composed.buildLoss(model)).hasMessageContaining("token_head/bias");
    }

    /** Records prepare and collate calls. */
    private record Recording(String name, Optional<ExampleLayout> layout, List<String> calls) implements Objective {
        @Override
        public AttentionKind attention() {
            return AttentionKind.BIDIRECTIONAL;
        }

        @Override
        public void prepare(ExampleFeatures features, Tokenizer tokenizer, RandomSource random) {
            calls.add("prepare " + name);
        }

        @Override
        public void collate(List<ExampleFeatures> examples, int sequenceLength, BatchBuilder batch) {
            calls.add("collate " + name);
        }

        @Override
        public List<LossTerm> buildLoss(ModelContext model) {
            return List.of();
        }

        @Override
        public Map<String, Tensor> buildInference(ModelContext model) {
            return Map.of();
        }

        @Override
        public Map<String, Double> metrics(String term, Map<String, Double> sums) {
            return Map.of();
        }
    }
}

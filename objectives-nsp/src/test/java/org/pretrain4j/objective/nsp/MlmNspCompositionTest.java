package org.pretrain4j.objective.nsp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pretrain4j.data.Batch;
import org.pretrain4j.data.BatchBuilder;
import org.pretrain4j.data.Example;
import org.pretrain4j.data.ExampleFeatures;
import org.pretrain4j.data.ExampleLayout;
import org.pretrain4j.data.RandomSource;
import org.pretrain4j.graph.Graph;
import org.pretrain4j.nn.Transformer;
import org.pretrain4j.nn.TransformerConfig;
import org.pretrain4j.objective.mlm.MlmObjectiveFactory;
import org.pretrain4j.spi.AttentionKind;
import org.pretrain4j.spi.LossTerm;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.spi.ObjectiveFactory;
import org.pretrain4j.testkit.FakeCorpus;
import org.pretrain4j.testkit.FakeExamples;
import org.pretrain4j.testkit.ObjectiveContract;
import org.pretrain4j.testkit.ServiceLoaderPlugins;

/** BERT pre-training, mlm+nsp, passes the objective kit as one objective. */
final class MlmNspCompositionTest implements ObjectiveContract {
    @Override
    public ObjectiveFactory factory() {
        return new ComposedFactory(new MlmObjectiveFactory(), new NspObjectiveFactory());
    }

    @Override
    public String objectiveName() {
        return "mlm+nsp";
    }

    @Test
    void nspLaysOutThePairsMlmMasksThemAndTheWeightsApply() {
        Objective o = factory().create(Map.of("nsp.weight", "0.5", "mlm.strategy", "whole-word"), new ServiceLoaderPlugins());
        assertThat(o.attention()).isEqualTo(AttentionKind.BIDIRECTIONAL);
        assertThat(o.layout()).contains(ExampleLayout.SENTENCE_PAIRS);

        List<Example> pairs = FakeExamples.pairs(NspObjectiveTest.TOKENIZER, FakeCorpus.documents(20, 3), 48, 3, 6);
        List<ExampleFeatures> features = pairs.stream().map(ExampleFeatures::new).toList();
        for (ExampleFeatures f : features) {
            o.prepare(f, NspObjectiveTest.TOKENIZER, RandomSource.of(1, 0, f.example().index()));
        }
        BatchBuilder b = new BatchBuilder();
        o.collate(features, 48, b);
        Batch batch = b.build(features.size(), 0);
        assertThat(batch.inputs()).containsKeys("masked_positions", "masked_labels", "next_sentence_labels");
        assertThat(batch.counts()).containsEntry("next_sentence", 6L).containsKey("masked_lm");
        assertThat(batch.inputs().get("next_sentence_labels").longs())
                .containsExactly(pairs.stream().mapToLong(Example::pairLabel).toArray());

        TransformerConfig config = new TransformerConfig(1, 8, 2, 16, NspObjectiveTest.TOKENIZER.vocabularySize(), 64, 2,
                AttentionKind.BIDIRECTIONAL, 0, 0, 1e-12, 0.02);
        List<LossTerm> terms = o.buildLoss(Transformer.build(new Graph(), config, NspObjectiveTest.TOKENIZER.specialTokens(), true));
        assertThat(terms).extracting(LossTerm::name).containsExactly("masked_lm", "next_sentence");
        assertThat(terms).extracting(LossTerm::weight).containsExactly(1.0, 0.5);
        assertThat(o.metrics("next_sentence", Map.of("loss_sum", 1.0, "count", 2.0, "correct", 2.0)))
                .containsEntry("next_sentence_accuracy", 1.0);
        assertThat(o.metrics("masked_lm", Map.of("loss_sum", 1.0, "count", 2.0, "correct", 1.0)))
                .containsEntry("masked_lm_accuracy", 0.5);
        assertThat(o.exportMetadata()).containsKey("next_sentence_labels");
    }
}

package org.pretrain4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.graph.Tensor;
import org.pretrain4j.spi.AttentionKind;
import org.pretrain4j.spi.LossTerm;
import org.pretrain4j.spi.ModelContext;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.text.Tokenizer;
import org.pretrain4j.text.WordPieceTokenizer;

final class BatchingTest {
    /** Replaces one random non-special position with [MASK] and collates its position as "masked". */
    static final class MaskOneObjective implements Objective {
        @Override
        public String name() {
            return "mask-one";
        }

        @Override
        public AttentionKind attention() {
            return AttentionKind.BIDIRECTIONAL;
        }

        @Override
        public Optional<ExampleLayout> layout() {
            return Optional.of(ExampleLayout.PACKED_BLOCKS);
        }

        @Override
        public void prepare(ExampleFeatures features, Tokenizer tokenizer, RandomSource random) {
            int position = 1 + random.fork("mask").nextInt(features.inputIds().length - 2);
            features.inputIds()[position] = tokenizer.specialTokens().mask();
            features.putScalar("masked", position);
        }

        @Override
        public void collate(List<ExampleFeatures> examples, int sequenceLength, BatchBuilder batch) {
            long[] positions = new long[examples.size()];
            for (int i = 0; i < positions.length; i++) {
                positions[i] = examples.get(i).scalar("masked");
            }
            batch.put("masked", HostTensor.ofLongs(new long[] {positions.length}, positions));
            batch.count("mask-one", positions.length);
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

    static Example example(long index, int... tokens) {
        boolean[] special = new boolean[tokens.length];
        special[0] = true;
        special[tokens.length - 1] = true;
        int[] segments = new int[tokens.length];
        segments[tokens.length - 1] = 1;
        boolean[] starts = new boolean[tokens.length];
        java.util.Arrays.fill(starts, true);
        return new Example(index, tokens, segments, special, starts, -1);
    }

    @Test
    void padsToTheLongestAndWritesMaskAndSegments() {
        WordPieceTokenizer t = TestVocabulary.tokenizer();
        Batcher batcher = new Batcher(new MaskOneObjective(), t, 0);
        List<ExampleFeatures> features = List.of(batcher.prepare(example(0, 2, 10, 11, 3), 5, 0),
                batcher.prepare(example(1, 2, 12, 13, 14, 15, 3), 5, 0));
        Batch batch = batcher.collate(features);
        assertThat(batch.examples()).isEqualTo(2);
        assertThat(batch.tokens()).isEqualTo(10);
        HostTensor ids = batch.inputs().get("input_ids");
        assertThat(ids.shape()).containsExactly(2, 6);
        long[] v = ids.longs();
        assertThat(v[0]).isEqualTo(2);
        assertThat(v[4]).isZero();
        assertThat(v[5]).isZero();
        assertThat(java.util.Arrays.stream(v).filter(x -> x == 4).count()).isEqualTo(2);
        assertThat(batch.inputs().get("attention_mask").longs()).containsExactly(1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1);
        assertThat(batch.inputs().get("token_type_ids").longs()).containsExactly(0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1);
        assertThat(batch.inputs()).containsKey("masked");
        assertThat(batch.counts()).containsEntry("mask-one", 2L);
        // Same key, same mask: the randomness is keyed by (seed, epoch, index).
        assertThat(batcher.prepare(example(1, 2, 12, 13, 14, 15, 3), 5, 0).inputIds()).containsExactly(features.get(1).inputIds());
        Batch fixed = new Batcher(new MaskOneObjective(), t, 8).collate(features);
        assertThat(fixed.inputs().get("input_ids").shape()).containsExactly(2, 8);
        assertThatThrownBy(() -> new Batcher(new MaskOneObjective(), t, 5).collate(features))
                .hasMessageContaining("longer than the fixed sequence length 5");
    }

    static List<long[]> ids(DataPipeline.BatchStream stream) {
        List<long[]> out = new ArrayList<>();
        Batch b;
        while ((b = stream.next()) != null) {
            out.add(b.inputs().get("input_ids").longs());
        }
        return out;
    }

    @Test
    void pipelineReadsAheadAndResumesExactlyAtAnExampleIndex() {
        WordPieceTokenizer t = TestVocabulary.tokenizer();
        ExampleSource source = new ShuffledExamples(new SentencePairs(SentencePairsTest.corpus(30), t, 16, 0.1, 8, 3), 16, 3);
        DataPipeline pipeline = new DataPipeline(source, new Batcher(new MaskOneObjective(), t, 16), 4, 11, 2);
        List<long[]> all;
        long total;
        try (DataPipeline.BatchStream s = pipeline.open(0, 0)) {
            all = ids(s);
            total = s.position();
        }
        assertThat(all.size()).isGreaterThan(10);
        assertThat(total).isEqualTo(SentencePairsTest.read(source, 0).size());
        List<long[]> resumed;
        try (DataPipeline.BatchStream s = pipeline.open(0, 12)) {
            resumed = ids(s);
        }
        // Example 12 starts batch 3 (batch size 4): the resumed run sees exactly batches 3, 4, ...
        assertThat(resumed).hasSize(all.size() - 3);
        for (int k = 0; k < resumed.size(); k++) {
            assertThat(resumed.get(k)).containsExactly(all.get(k + 3));
        }
        try (DataPipeline.BatchStream s = pipeline.open(1, 0)) {
            assertThat(s.next().inputs().get("input_ids").longs()).isNotEqualTo(all.get(0));
        }
    }

    @Test
    void pipelineSurfacesReaderErrors() {
        WordPieceTokenizer t = TestVocabulary.tokenizer();
        DataPipeline pipeline = new DataPipeline(new SentencePairs(SentencePairsTest.corpus(1), t, 16, 3),
                new Batcher(new MaskOneObjective(), t, 0), 4, 11);
        try (DataPipeline.BatchStream s = pipeline.open(0, 0)) {
            assertThatThrownBy(s::next).isInstanceOf(CorpusException.class).hasMessageContaining("at least 2 documents");
        }
    }
}

package org.pretrain4j.testkit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pretrain4j.data.Batch;
import org.pretrain4j.data.BatchBuilder;
import org.pretrain4j.data.Example;
import org.pretrain4j.data.ExampleFeatures;
import org.pretrain4j.data.RandomSource;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.nn.Transformer;
import org.pretrain4j.nn.TransformerConfig;
import org.pretrain4j.spi.AttentionKind;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.text.SpecialTokens;

/** Tiny transformers and padded batches for tests: hidden 16, 2 heads, vocabulary 50, sequences of 8. */
public final class TinyModels {
    public static final int VOCABULARY = 50;
    public static final int SEQUENCE = 8;
    /** WordPiece-like: [PAD] 0, [UNK] 1, [CLS] 2, [SEP] 3, [MASK] 4. */
    public static final SpecialTokens BERT_TOKENS = new SpecialTokens(0, 1, 2, 3, 4, -1, -1);
    /** Byte-level-BPE-like: end of text 0 as bos, eos and padding. */
    public static final SpecialTokens GPT_TOKENS = new SpecialTokens(0, -1, -1, -1, -1, 0, 0);

    private TinyModels() {}

    /**
     * A tiny configuration: 2 layers, hidden 16, 2 heads, ffn 32, vocabulary 50, 16 positions,
     * the given dropout, and initialiser range 0.2 (larger than BERT's so that attention is far
     * from uniform and tests see real signal).
     */
    public static TransformerConfig config(AttentionKind attention, double dropout) {
        boolean causal = attention == AttentionKind.CAUSAL;
        return new TransformerConfig(2, 16, 2, 32, VOCABULARY, 16, causal ? 1 : 2, attention, dropout, dropout,
                causal ? 1e-5 : 1e-12, 0.2);
    }

    /** The special tokens that go with an attention kind. */
    public static SpecialTokens tokens(AttentionKind attention) {
        return attention == AttentionKind.CAUSAL ? GPT_TOKENS : BERT_TOKENS;
    }

    /**
     * A batch of random examples with the given lengths, right-padded to {@code sequence}: encoders
     * get {@code [CLS] a.. [SEP] b.. [SEP]} with token types 0/1 and a random pair label, decoders
     * plain tokens; then the objective prepares and collates them. The batch has
     * {@code input_ids}, {@code attention_mask}, {@code token_type_ids} and the objective's inputs.
     */
    public static Batch batch(Objective objective, SpecialTokens specials, int[] lengths, int sequence, long seed) {
        boolean causal = objective.attention() == AttentionKind.CAUSAL;
        RandomSource random = RandomSource.of(seed, 0, 0);
        List<ExampleFeatures> prepared = new ArrayList<>();
        int n = lengths.length;
        long[] ids = new long[n * sequence];
        long[] mask = new long[n * sequence];
        long[] types = new long[n * sequence];
        long tokens = 0;
        for (int b = 0; b < n; b++) {
            int length = lengths[b];
            int[] t = new int[length];
            int[] segments = new int[length];
            boolean[] special = new boolean[length];
            boolean[] wordStarts = new boolean[length];
            int split = length / 2;
            for (int i = 0; i < length; i++) {
                t[i] = random.nextInt(5, VOCABULARY);
                wordStarts[i] = true;
                if (!causal) {
                    segments[i] = i > split ? 1 : 0;
                    if (i == 0 || i == split || i == length - 1) {
                        t[i] = i == 0 ? specials.cls() : specials.sep();
                        special[i] = true;
                    }
                }
            }
            Example example = new Example(b, t, segments, special, wordStarts, random.nextInt(2));
            ExampleFeatures features = new ExampleFeatures(example);
            objective.prepare(features, null, RandomSource.of(seed, 0, b));
            prepared.add(features);
            int[] input = features.inputIds();
            for (int i = 0; i < sequence; i++) {
                boolean real = i < length;
                ids[b * sequence + i] = real ? input[i] : specials.pad();
                mask[b * sequence + i] = real ? 1 : 0;
                types[b * sequence + i] = real ? segments[i] : 0;
            }
            tokens += length;
        }
        BatchBuilder builder = new BatchBuilder();
        long[] shape = {n, sequence};
        builder.put(Transformer.INPUT_IDS, HostTensor.ofLongs(shape, ids));
        builder.put(Transformer.ATTENTION_MASK, HostTensor.ofLongs(shape, mask));
        builder.put(Transformer.TOKEN_TYPE_IDS, HostTensor.ofLongs(shape, types));
        objective.collate(prepared, sequence, builder);
        return builder.build(n, tokens);
    }

    /** A map with the given entries added (later ones win). */
    @SafeVarargs
    public static Map<String, HostTensor> merge(Map<String, HostTensor>... maps) {
        Map<String, HostTensor> merged = new LinkedHashMap<>();
        for (Map<String, HostTensor> m : maps) {
            merged.putAll(m);
        }
        return merged;
    }
}

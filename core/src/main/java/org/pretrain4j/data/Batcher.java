package org.pretrain4j.data;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.text.Tokenizer;

/**
 * Turns prepared examples into a {@link Batch}: {@code input_ids} (the objective-prepared ids,
 * e.g. with [MASK]), {@code attention_mask} (1 token, 0 padding) and {@code token_type_ids}, all
 * {@code [batch, sequence]} INT64 padded with the pad id, then lets the objective collate its own
 * inputs and target counts. Sequences are padded to the longest in the batch, or to a fixed length.
 * Immutable and thread-safe.
 */
public final class Batcher {
    private final Objective objective;
    private final Tokenizer tokenizer;
    private final int padId;
    private final int fixedLength;

    /** {@code fixedLength} 0 pads to the longest example of each batch; otherwise every batch has that length. */
    public Batcher(Objective objective, Tokenizer tokenizer, int fixedLength) {
        this.objective = requireNonNull(objective, "objective is null");
        this.tokenizer = requireNonNull(tokenizer, "tokenizer is null");
        if (fixedLength < 0) {
            throw new IllegalArgumentException("fixed length must be >= 0 (0 = pad to longest): " + fixedLength);
        }
        this.fixedLength = fixedLength;
        int pad = tokenizer.specialTokens().pad();
        this.padId = pad >= 0 ? pad : 0;
    }

    /** Prepares one example with the objective, drawing randomness keyed by (seed, epoch, example index). */
    public ExampleFeatures prepare(Example example, long seed, long epoch) {
        ExampleFeatures features = new ExampleFeatures(example);
        objective.prepare(features, tokenizer, RandomSource.of(seed, epoch, example.index()));
        return features;
    }

    /** The batch of these prepared examples. */
    public Batch collate(List<ExampleFeatures> examples) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("cannot collate an empty batch");
        }
        int longest = 0;
        long tokens = 0;
        for (ExampleFeatures f : examples) {
            longest = Math.max(longest, f.inputIds().length);
            tokens += f.inputIds().length;
        }
        int length = fixedLength > 0 ? fixedLength : longest;
        if (longest > length) {
            throw new IllegalArgumentException("example of " + longest + " tokens is longer than the fixed sequence length " + length);
        }
        int b = examples.size();
        long[] ids = new long[b * length];
        long[] mask = new long[b * length];
        long[] types = new long[b * length];
        java.util.Arrays.fill(ids, padId);
        for (int i = 0; i < b; i++) {
            ExampleFeatures f = examples.get(i);
            int[] in = f.inputIds();
            int[] segments = f.example().segments();
            int base = i * length;
            for (int k = 0; k < in.length; k++) {
                ids[base + k] = in[k];
                mask[base + k] = 1;
                types[base + k] = segments[k];
            }
        }
        long[] shape = {b, length};
        BatchBuilder builder = new BatchBuilder();
        builder.put("input_ids", HostTensor.ofLongs(shape, ids));
        builder.put("attention_mask", HostTensor.ofLongs(shape, mask));
        builder.put("token_type_ids", HostTensor.ofLongs(shape, types));
        objective.collate(examples, length, builder);
        return builder.build(b, tokens);
    }
}

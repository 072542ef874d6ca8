package org.pretrain4j.testkit;

import java.util.List;
import org.pretrain4j.data.BatchBuilder;
import org.pretrain4j.data.ExampleFeatures;
import org.pretrain4j.graph.HostTensor;

/** Writes the model's own batch inputs the way the data pipeline does, so that the kits can run graphs without it. */
public final class FakeBatches {
    /** Names of the inputs the model itself reads; objectives add the others. */
    public static final List<String> MODEL_INPUTS = List.of("input_ids", "attention_mask", "token_type_ids");

    private FakeBatches() {}

    /** Adds {@code input_ids} (padded with {@code padId}), {@code attention_mask} and {@code token_type_ids}, each [batch, sequenceLength]. */
    public static void putModelInputs(List<ExampleFeatures> examples, int sequenceLength, int padId, BatchBuilder batch) {
        int b = examples.size();
        long[] ids = new long[b * sequenceLength];
        long[] mask = new long[b * sequenceLength];
        long[] types = new long[b * sequenceLength];
        for (int e = 0; e < b; e++) {
            ExampleFeatures f = examples.get(e);
            int[] in = f.inputIds();
            int[] segments = f.example().segments();
            if (in.length > sequenceLength) {
                throw new IllegalArgumentException("example " + f.example().index() + " has " + in.length + " tokens, more than " + sequenceLength);
            }
            for (int p = 0; p < sequenceLength; p++) {
                int k = e * sequenceLength + p;
                ids[k] = p < in.length ? in[p] : padId;
                mask[k] = p < in.length ? 1 : 0;
                types[k] = p < in.length ? segments[p] : 0;
            }
        }
        long[] shape = {b, sequenceLength};
        batch.put("input_ids", HostTensor.ofLongs(shape, ids));
        batch.put("attention_mask", HostTensor.ofLongs(shape, mask));
        batch.put("token_type_ids", HostTensor.ofLongs(shape, types));
    }
}

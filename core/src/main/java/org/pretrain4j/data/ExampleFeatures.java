package org.pretrain4j.data;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An example while objectives prepare it: the input ids (a copy of the example's tokens that an
 * objective may overwrite, e.g. with [MASK]) and named per-example arrays and scalars that each
 * objective writes for its own collation. Mutable, owned by one thread.
 */
public final class ExampleFeatures {
    private Example example;
    private final int[] inputIds;
    private final Map<String, int[]> arrays = new LinkedHashMap<>();
    private final Map<String, Long> scalars = new LinkedHashMap<>();

    public ExampleFeatures(Example example) {
        this.example = requireNonNull(example, "example is null");
        this.inputIds = example.tokens().clone();
    }

    /** The example as laid out (unmodified), or as the layout's owner re-arranged it with {@link #rearrange}. */
    public Example example() {
        return example;
    }

    /**
     * Replaces the example with a re-arrangement of the same index and length (SOP swaps the two
     * segments of a pair, with their segment ids, special flags and word starts) and resets the input
     * ids to its tokens. Only the objective that owns the layout calls this, in its {@code prepare},
     * before the others prepare (compositions prepare the layout's owner first).
     */
    public void rearrange(Example rearranged) {
        requireNonNull(rearranged, "rearranged is null");
        if (rearranged.index() != example.index() || rearranged.length() != example.length()) {
            throw new IllegalArgumentException("a re-arranged example must keep index " + example.index() + " and length "
                    + example.length() + ", got index " + rearranged.index() + " and length " + rearranged.length());
        }
        this.example = rearranged;
        System.arraycopy(rearranged.tokens(), 0, inputIds, 0, inputIds.length);
    }

    /** The ids the model reads; objectives may overwrite entries in place. */
    public int[] inputIds() {
        return inputIds;
    }

    /** Stores a named array (e.g. "masked_positions"). */
    public void putArray(String name, int[] values) {
        arrays.put(requireNonNull(name, "name is null"), requireNonNull(values, "values is null"));
    }

    /** A named array, or null. */
    public int[] array(String name) {
        return arrays.get(name);
    }

    /** Stores a named scalar (e.g. "next_sentence_label"). */
    public void putScalar(String name, long value) {
        scalars.put(requireNonNull(name, "name is null"), value);
    }

    /** A named scalar; throws if absent. */
    public long scalar(String name) {
        Long v = scalars.get(name);
        if (v == null) {
            throw new IllegalStateException("no scalar '" + name + "' in example " + example.index());
        }
        return v;
    }
}

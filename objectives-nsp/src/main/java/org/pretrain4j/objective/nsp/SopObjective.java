package org.pretrain4j.objective.nsp;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import org.pretrain4j.data.Example;
import org.pretrain4j.data.ExampleFeatures;
import org.pretrain4j.data.ExampleLayout;
import org.pretrain4j.data.RandomSource;
import org.pretrain4j.spi.Targets;
import org.pretrain4j.text.Tokenizer;

/**
 * ALBERT's sentence-order prediction, made from the same pair machinery and head as {@code nsp}.
 * Its layout is {@link ExampleLayout#CONSECUTIVE_PAIRS}: B is always the segment that follows A in
 * the same document. Prepare swaps the two segments with probability {@code swap-probability} (one
 * {@code nextDouble()} of {@code fork("sop")}), moving their segment ids, special flags and word
 * starts with them, and labels the pair 1 when swapped, 0 when in order. The one exception is a
 * chunk of a single sentence, for which the pair builder (as ALBERT's create_pretraining_data)
 * draws a random B: such a pair has no order to predict, its label is -100 and it adds no
 * sentence-order target (masked LM still trains on it).
 */
public final class SopObjective extends PairObjective {
    /** Loss term, batch count key and metric prefix. */
    public static final String TERM = "sentence_order";
    /** Batch input: one label per example, [batch_size] INT64, -100 where the pair has no order. */
    public static final String LABELS = "sentence_order_labels";
    static final String LABEL = "sentence_order_label";
    /** The label convention, as stated in the export metadata. */
    public static final String CONVENTION = "0 = segments in their original order, 1 = swapped (ALBERT)";

    private final SopConfig config;

    public SopObjective(SopConfig config) {
        super("sop", TERM, LABELS, LABEL, "sentence_order_labels", CONVENTION);
        this.config = requireNonNull(config, "config is null");
    }

    public SopConfig config() {
        return config;
    }

    @Override
    public Optional<ExampleLayout> layout() {
        return Optional.of(ExampleLayout.CONSECUTIVE_PAIRS);
    }

    @Override
    public void prepare(ExampleFeatures features, Tokenizer tokenizer, RandomSource random) {
        Example e = pair(features);
        if (e.pairLabel() == 1) {
            features.putScalar(LABEL, Targets.IGNORE);
            return;
        }
        boolean swap = random.fork("sop").nextDouble() < config.swapProbability();
        if (swap) {
            features.rearrange(swapped(e));
        }
        features.putScalar(LABEL, swap ? 1 : 0);
    }

    /** {@code [CLS] B [SEP] A [SEP]} from {@code [CLS] A [SEP] B [SEP]}, with segment ids 0 up to the first [SEP] and 1 after. */
    static Example swapped(Example e) {
        int n = e.length();
        int sepA = -1;
        for (int i = 0; i < n; i++) {
            if (e.segments()[i] == 0) {
                sepA = i;
            }
        }
        if (n < 3 || sepA < 1 || sepA >= n - 1 || !e.special()[0] || !e.special()[sepA] || !e.special()[n - 1]) {
            throw new IllegalStateException("example " + e.index() + " is not laid out as [CLS] A [SEP] B [SEP] with segment ids: " + e);
        }
        int lenA = sepA - 1;
        int lenB = n - 2 - sepA;
        int[] tokens = new int[n];
        int[] segments = new int[n];
        boolean[] special = new boolean[n];
        boolean[] starts = new boolean[n];
        copy(e, 0, tokens, special, starts, 0, 1); // [CLS]
        copy(e, sepA + 1, tokens, special, starts, 1, lenB); // B
        copy(e, sepA, tokens, special, starts, 1 + lenB, 1); // [SEP]
        copy(e, 1, tokens, special, starts, 2 + lenB, lenA); // A
        copy(e, n - 1, tokens, special, starts, n - 1, 1); // [SEP]
        for (int i = 2 + lenB; i < n; i++) {
            segments[i] = 1;
        }
        return new Example(e.index(), tokens, segments, special, starts, e.pairLabel());
    }

    private static void copy(Example e, int from, int[] tokens, boolean[] special, boolean[] starts, int to, int length) {
        System.arraycopy(e.tokens(), from, tokens, to, length);
        System.arraycopy(e.special(), from, special, to, length);
        System.arraycopy(e.wordStarts(), from, starts, to, length);
    }

    @Override
    public String toString() {
        return "sop{swap-probability=" + config.swapProbability() + "}";
    }
}

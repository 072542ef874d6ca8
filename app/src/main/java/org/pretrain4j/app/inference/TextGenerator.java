package org.pretrain4j.app.inference;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.pretrain4j.app.UserException;
import org.pretrain4j.text.SpecialTokens;
import org.pretrain4j.text.Tokenizer;

/**
 * Text generation on an exported decoder through its KV cache: the prompt runs once, then each step
 * feeds only the newest token with the {@code present.*} outputs of the previous step as
 * {@code past_key_values.*}, as transformers.js does.
 */
public final class TextGenerator {
    private final ExportedModel model;
    private final int layers;
    private final int heads;
    private final int headSize;
    private final int maxPositions;

    public TextGenerator(ExportedModel model) {
        this.model = requireNonNull(model, "model is null");
        if (!model.isDecoder()) {
            throw UserException.usage("--model: '" + model.directory() + "' is an encoder (" + model.modelType()
                    + "); generate needs a decoder trained with clm.");
        }
        layers = model.configInt("n_layer", -1);
        heads = model.configInt("n_head", -1);
        int embedding = model.configInt("n_embd", -1);
        if (layers <= 0 || heads <= 0 || embedding <= 0 || !model.inputNames().contains("past_key_values.0.key")) {
            throw UserException.usage("--model: '" + model.directory()
                    + "' lacks n_layer/n_head/n_embd in config.json or the past_key_values inputs (EXPORT.md).");
        }
        headSize = embedding / heads;
        maxPositions = model.configInt("n_positions", Integer.MAX_VALUE);
    }

    /** The most positions (prompt plus generated tokens) the model reads: its {@code n_positions}. */
    public int maxPositions() {
        return maxPositions;
    }

    /** One generated token, its probability under the sampling distribution, and the most likely alternatives. */
    public record Step(int id, String token, double probability, List<Candidate> top) {}

    /** The prompt's continuation; {@code onStep} sees each token as it is chosen. */
    public List<Step> generate(String prompt, int maxNewTokens, Sampling sampling, int showTop, Consumer<Step> onStep) {
        return generate(prompt, maxNewTokens, sampling, showTop, onStep, true);
    }

    /**
     * As above; without the cache every step runs the whole sequence from an empty past, which is
     * slower and must choose the same tokens (the tests compare the two).
     */
    List<Step> generate(String prompt, int maxNewTokens, Sampling sampling, int showTop, Consumer<Step> onStep, boolean useCache) {
        Tokenizer tokenizer = model.tokenizer();
        SpecialTokens special = tokenizer.specialTokens();
        int[] promptIds = tokenizer.encode(prompt).ids();
        if (promptIds.length == 0) {
            int start = special.bos() >= 0 ? special.bos() : special.eos();
            if (start < 0) {
                throw UserException.usage("The prompt is empty and the tokenizer has no start token.");
            }
            promptIds = new int[] {start};
        }
        if (promptIds.length >= maxPositions) {
            throw UserException.usage("The prompt is " + promptIds.length + " tokens; this model reads at most " + maxPositions + ".");
        }
        SplittableRandom random = new SplittableRandom(sampling.seed());
        List<Step> steps = new ArrayList<>();
        long[] feed = toLong(promptIds);
        int past = 0;
        try (ModelSession.Decoder decoder = model.session().decoder(layers, heads, headSize)) {
            while (steps.size() < maxNewTokens && past + feed.length <= maxPositions) {
                int length = feed.length;
                long[] mask = new long[past + length];
                Arrays.fill(mask, 1);
                long[] positions = new long[length];
                for (int i = 0; i < length; i++) {
                    positions[i] = past + i;
                }
                float[] last = lastRow(decoder.next(feed, mask, positions), length);
                int next = sampling.choose(last, random);
                double[] p = sampling.isGreedy() ? Probabilities.softmax(last, 0, last.length) : sampling.distribution(last);
                List<Candidate> top = new ArrayList<>();
                for (int id : Probabilities.top(p, showTop)) {
                    top.add(new Candidate(id, text(tokenizer, id), p[id], null));
                }
                Step step = new Step(next, text(tokenizer, next), p[next], top);
                steps.add(step);
                onStep.accept(step);
                if (next == special.eos()) {
                    break;
                }
                if (useCache) {
                    past += length;
                    feed = new long[] {next};
                } else {
                    feed = Arrays.copyOf(feed, feed.length + 1);
                    feed[feed.length - 1] = next;
                    decoder.forget();
                }
            }
        }
        return steps;
    }

    /** A token as text (byte-level BPE's "Ġthe" is " the"); special tokens keep their name. */
    private static String text(Tokenizer tokenizer, int id) {
        String decoded = tokenizer.decode(new int[] {id});
        return decoded.isEmpty() ? tokenizer.idToToken(id) : decoded;
    }

    private static float[] lastRow(float[] logits, int length) {
        int vocabulary = logits.length / length;
        return Arrays.copyOfRange(logits, (length - 1) * vocabulary, length * vocabulary);
    }

    private static long[] toLong(int[] ids) {
        long[] out = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = ids[i];
        }
        return out;
    }
}

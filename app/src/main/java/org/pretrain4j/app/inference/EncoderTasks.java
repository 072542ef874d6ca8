package org.pretrain4j.app.inference;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.pretrain4j.app.UserException;
import org.pretrain4j.text.Encoding;
import org.pretrain4j.text.SpecialTokens;
import org.pretrain4j.text.Tokenizer;

/** Fill-mask and next-sentence prediction on an exported encoder, one text at a time. */
public final class EncoderTasks {
    private final ExportedModel model;

    public EncoderTasks(ExportedModel model) {
        this.model = requireNonNull(model, "model is null");
        if (model.isDecoder()) {
            throw UserException.usage("--model: '" + model.directory() + "' is a decoder (" + model.modelType()
                    + "); fill-mask and next-sentence need an encoder trained with mlm (and nsp).");
        }
    }

    /** The best {@code topK} tokens for each [MASK] in {@code text}, in order of the masks. */
    public List<List<Candidate>> fillMask(String text, int topK) {
        Tokenizer tokenizer = model.tokenizer();
        SpecialTokens special = tokenizer.specialTokens();
        if (special.mask() < 0) {
            throw UserException.usage("--model: the tokenizer of '" + model.directory() + "' has no mask token.");
        }
        String maskToken = tokenizer.idToToken(special.mask());
        // The mask token is matched before normalisation, as Hugging Face does for added tokens.
        String[] pieces = text.split(java.util.regex.Pattern.quote(maskToken), -1);
        if (pieces.length < 2) {
            throw UserException.usage("The text has no " + maskToken + " to fill: \"" + text + "\".");
        }
        List<Integer> ids = new ArrayList<>();
        List<Integer> maskPositions = new ArrayList<>();
        ids.add(special.cls());
        for (int i = 0; i < pieces.length; i++) {
            for (int id : tokenizer.encode(pieces[i]).ids()) {
                ids.add(id);
            }
            if (i < pieces.length - 1) {
                maskPositions.add(ids.size());
                ids.add(special.mask());
            }
        }
        ids.add(special.sep());
        int[] tokens = ids.stream().mapToInt(Integer::intValue).toArray();
        float[] logits = run(tokens, new int[tokens.length], "logits");
        int vocabulary = logits.length / tokens.length;
        List<List<Candidate>> result = new ArrayList<>();
        for (int position : maskPositions) {
            double[] p = Probabilities.softmax(logits, position * vocabulary, vocabulary);
            List<Candidate> candidates = new ArrayList<>();
            for (int id : Probabilities.top(p, topK)) {
                int[] filled = tokens.clone();
                filled[position] = id;
                candidates.add(new Candidate(id, tokenizer.idToToken(id), p[id], tokenizer.decode(filled)));
            }
            result.add(candidates);
        }
        return result;
    }

    /** The probability that {@code second} follows {@code first} (index 0) or is random (index 1), as google BERT. */
    public double[] nextSentence(String first, String second) {
        if (!model.outputNames().contains("seq_relationship_logits")) {
            throw UserException.usage("--model: '" + model.directory()
                    + "' has no next-sentence head (seq_relationship_logits); train it with nsp, e.g. --objective mlm+nsp.");
        }
        Tokenizer tokenizer = model.tokenizer();
        SpecialTokens special = tokenizer.specialTokens();
        Encoding a = tokenizer.encode(first);
        Encoding b = tokenizer.encode(second);
        // [CLS] A [SEP] B [SEP] with type id 1 on B and its [SEP], as the model was trained.
        int n = a.length() + b.length() + 3;
        int[] tokens = new int[n];
        int[] types = new int[n];
        int k = 0;
        tokens[k++] = special.cls();
        for (int id : a.ids()) {
            tokens[k++] = id;
        }
        tokens[k++] = special.sep();
        for (int id : b.ids()) {
            types[k] = 1;
            tokens[k++] = id;
        }
        types[k] = 1;
        tokens[k] = special.sep();
        float[] logits = run(tokens, types, "seq_relationship_logits");
        return Probabilities.softmax(logits, 0, 2);
    }

    private float[] run(int[] tokens, int[] types, String output) {
        int maxPositions = model.configInt("max_position_embeddings", Integer.MAX_VALUE);
        if (tokens.length > maxPositions) {
            throw UserException.usage("The text is " + tokens.length + " tokens long; this model reads at most " + maxPositions + ".");
        }
        long[] ids = new long[tokens.length];
        long[] mask = new long[tokens.length];
        long[] typeIds = new long[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            ids[i] = tokens[i];
            mask[i] = 1;
            typeIds[i] = types[i];
        }
        Map<String, long[]> inputs = new HashMap<>();
        inputs.put("input_ids", ids);
        if (model.inputNames().contains("attention_mask")) {
            inputs.put("attention_mask", mask);
        }
        if (model.inputNames().contains("token_type_ids")) {
            inputs.put("token_type_ids", typeIds);
        }
        return model.session().run(inputs, output);
    }
}

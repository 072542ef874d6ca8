package org.pretrain4j.pretrained;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.nn.TransformerConfig;

/**
 * The correspondence between the transformer's parameter names ({@link org.pretrain4j.nn.Transformer})
 * and Hugging Face's, both ways. Our dense weights are {@code [in, out]}; torch {@code Linear}
 * weights are {@code [out, in]} (transposed), GPT-2's {@code Conv1D} weights {@code [in, out]} (as
 * ours). GPT-2's fused {@code c_attn} holds q, k and v side by side. The attention key bias, which
 * our attention omits because softmax cancels it exactly, has no counterpart: dropped on load,
 * written as zeros.
 */
public final class HuggingFaceKeys {
    /** How one of our tensors sits in a Hugging Face tensor. */
    public enum Part {
        /** The same values and shape. */
        WHOLE,
        /** A torch Linear weight: our {@code [in, out]} transposed. */
        TRANSPOSED,
        /** Columns (of a weight) or elements (of a bias) {@code [0, H)} of GPT-2's fused q, k, v. */
        FUSED_QUERY,
        /** {@code [H, 2H)} of the fused tensor. */
        FUSED_KEY,
        /** {@code [2H, 3H)} of the fused tensor. */
        FUSED_VALUE,
        /** A Hugging Face tensor we do not have (the key bias): zeros on export, dropped on load. */
        ZEROS
    }

    /**
     * One correspondence. {@code ours} is null for {@link Part#ZEROS}; {@code base} tensors take the
     * architecture's prefix ({@code bert.}, ...) when the file's keys have it, heads never do.
     */
    public record Entry(String ours, String key, boolean base, Part part) {}

    private HuggingFaceKeys() {}

    /** Every correspondence of a model of this architecture and size, base model first, then the heads. */
    public static List<Entry> entries(HuggingFaceArchitecture architecture, TransformerConfig config) {
        List<Entry> out = new ArrayList<>();
        if (architecture == HuggingFaceArchitecture.GPT2) {
            gpt2(config, out);
        } else {
            encoder(architecture, config, out);
        }
        return out;
    }

    private static void encoder(HuggingFaceArchitecture architecture, TransformerConfig config, List<Entry> out) {
        base(out, "embeddings/word", "embeddings.word_embeddings.weight", Part.WHOLE);
        base(out, "embeddings/position", "embeddings.position_embeddings.weight", Part.WHOLE);
        base(out, "embeddings/token_type", "embeddings.token_type_embeddings.weight", Part.WHOLE);
        layerNorm(out, "embeddings/layer_norm", "embeddings.LayerNorm", true);
        for (int i = 0; i < config.layers(); i++) {
            String ours = "layer_" + i + "/";
            String theirs = "encoder.layer." + i + ".";
            linear(out, ours + "attention/query", theirs + "attention.self.query", true);
            base(out, ours + "attention/key/weight", theirs + "attention.self.key.weight", Part.TRANSPOSED);
            base(out, null, theirs + "attention.self.key.bias", Part.ZEROS);
            linear(out, ours + "attention/value", theirs + "attention.self.value", true);
            linear(out, ours + "attention/output", theirs + "attention.output.dense", true);
            layerNorm(out, ours + "attention/layer_norm", theirs + "attention.output.LayerNorm", true);
            linear(out, ours + "ffn/intermediate", theirs + "intermediate.dense", true);
            linear(out, ours + "ffn/output", theirs + "output.dense", true);
            layerNorm(out, ours + "ffn/layer_norm", theirs + "output.LayerNorm", true);
        }
        if (architecture == HuggingFaceArchitecture.BERT) {
            linear(out, "pooler/dense", "pooler.dense", true);
            linear(out, "cls/predictions/transform/dense", "cls.predictions.transform.dense", false);
            layerNorm(out, "cls/predictions/transform/LayerNorm", "cls.predictions.transform.LayerNorm", false);
            out.add(new Entry("cls/predictions/output_bias", "cls.predictions.bias", false, Part.WHOLE));
            linear(out, "cls/seq_relationship", "cls.seq_relationship", false);
        } else {
            linear(out, "cls/predictions/transform/dense", "lm_head.dense", false);
            layerNorm(out, "cls/predictions/transform/LayerNorm", "lm_head.layer_norm", false);
            out.add(new Entry("cls/predictions/output_bias", "lm_head.bias", false, Part.WHOLE));
        }
    }

    private static void gpt2(TransformerConfig config, List<Entry> out) {
        base(out, "embeddings/word", "wte.weight", Part.WHOLE);
        base(out, "embeddings/position", "wpe.weight", Part.WHOLE);
        for (int i = 0; i < config.layers(); i++) {
            String ours = "layer_" + i + "/";
            String theirs = "h." + i + ".";
            layerNorm(out, ours + "attention/layer_norm", theirs + "ln_1", true);
            base(out, ours + "attention/query/weight", theirs + "attn.c_attn.weight", Part.FUSED_QUERY);
            base(out, ours + "attention/key/weight", theirs + "attn.c_attn.weight", Part.FUSED_KEY);
            base(out, ours + "attention/value/weight", theirs + "attn.c_attn.weight", Part.FUSED_VALUE);
            base(out, ours + "attention/query/bias", theirs + "attn.c_attn.bias", Part.FUSED_QUERY);
            base(out, null, theirs + "attn.c_attn.bias", Part.FUSED_KEY);
            base(out, ours + "attention/value/bias", theirs + "attn.c_attn.bias", Part.FUSED_VALUE);
            conv1d(out, ours + "attention/output", theirs + "attn.c_proj");
            layerNorm(out, ours + "ffn/layer_norm", theirs + "ln_2", true);
            conv1d(out, ours + "ffn/intermediate", theirs + "mlp.c_fc");
            conv1d(out, ours + "ffn/output", theirs + "mlp.c_proj");
        }
        layerNorm(out, "final_layer_norm", "ln_f", true);
    }

    /**
     * Hugging Face tensors that carry nothing of their own: tied output embeddings, the causal-mask
     * buffers of old GPT-2 files and the position-id buffers of old BERT files. Matched on the key
     * with any prefix removed.
     */
    public static boolean ignored(HuggingFaceArchitecture architecture, String key) {
        String k = key.startsWith(architecture.prefix()) ? key.substring(architecture.prefix().length()) : key;
        return switch (architecture) {
            case BERT -> k.equals("cls.predictions.decoder.weight") || k.equals("cls.predictions.decoder.bias")
                    || k.equals("embeddings.position_ids");
            case ROBERTA -> k.equals("lm_head.decoder.weight") || k.equals("lm_head.decoder.bias")
                    || k.equals("embeddings.position_ids");
            case GPT2 -> k.equals("lm_head.weight") || k.matches("h\\.\\d+\\.attn\\.(bias|masked_bias)");
        };
    }

    private static void base(List<Entry> out, String ours, String key, Part part) {
        out.add(new Entry(ours, key, true, part));
    }

    private static void linear(List<Entry> out, String ours, String key, boolean base) {
        out.add(new Entry(ours + "/weight", key + ".weight", base, Part.TRANSPOSED));
        out.add(new Entry(ours + "/bias", key + ".bias", base, Part.WHOLE));
    }

    private static void conv1d(List<Entry> out, String ours, String key) {
        out.add(new Entry(ours + "/weight", key + ".weight", true, Part.WHOLE));
        out.add(new Entry(ours + "/bias", key + ".bias", true, Part.WHOLE));
    }

    private static void layerNorm(List<Entry> out, String ours, String key, boolean base) {
        out.add(new Entry(ours + "/gamma", key + ".weight", base, Part.WHOLE));
        out.add(new Entry(ours + "/beta", key + ".bias", base, Part.WHOLE));
    }

    // ---- tensor conversions ----

    /** The Hugging Face shape of one of our tensors of shape {@code ours} ({@code hidden}: for fused tensors). */
    static long[] theirShape(Part part, long[] ours) {
        return switch (part) {
            case TRANSPOSED -> new long[] {ours[1], ours[0]};
            case FUSED_QUERY, FUSED_KEY, FUSED_VALUE -> ours.length == 2 ? new long[] {ours[0], 3 * ours[1]} : new long[] {3 * ours[0]};
            default -> ours.clone();
        };
    }

    /** Our tensor from the Hugging Face tensor that holds it (shape already checked). */
    static HostTensor toOurs(Part part, HostTensor theirs) {
        return switch (part) {
            case WHOLE -> theirs;
            case TRANSPOSED -> transpose(theirs);
            case FUSED_QUERY -> third(theirs, 0);
            case FUSED_KEY -> third(theirs, 1);
            case FUSED_VALUE -> third(theirs, 2);
            case ZEROS -> throw new IllegalArgumentException("nothing of ours is stored in a dropped tensor");
        };
    }

    /** Our tensor in Hugging Face's layout (fused parts are joined by {@link #toHuggingFace}). */
    static HostTensor fromOurs(Part part, HostTensor ours) {
        return part == Part.TRANSPOSED ? transpose(ours) : ours;
    }

    static HostTensor transpose(HostTensor t) {
        int rows = (int) t.dim(0);
        int cols = (int) t.dim(1);
        float[] in = t.floats();
        float[] out = new float[in.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[c * rows + r] = in[r * cols + c];
            }
        }
        return HostTensor.ofFloats(new long[] {cols, rows}, out);
    }

    /** Part {@code which} (0, 1, 2) of the last axis split in three. */
    static HostTensor third(HostTensor t, int which) {
        float[] in = t.floats();
        if (t.rank() == 1) {
            int n = in.length / 3;
            return HostTensor.ofFloats(new long[] {n}, Arrays.copyOfRange(in, which * n, (which + 1) * n));
        }
        int rows = (int) t.dim(0);
        int cols = (int) t.dim(1) / 3;
        float[] out = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(in, r * 3 * cols + which * cols, out, r * cols, cols);
        }
        return HostTensor.ofFloats(new long[] {rows, cols}, out);
    }

    /**
     * Our parameters as Hugging Face tensors, in the order of {@link #entries}, keys with the
     * architecture's prefix: every entry whose tensor {@code state} holds, the key bias as zeros and
     * GPT-2's q, k, v joined into {@code c_attn}. Tied output embeddings are not written (Hugging Face
     * ties them on load). The pooler is written only with the next-sentence head (BertForPreTraining);
     * BertForMaskedLM has none.
     */
    public static LinkedHashMap<String, HostTensor> toHuggingFace(HuggingFaceArchitecture architecture, TransformerConfig config,
            Map<String, HostTensor> state) {
        boolean pairHead = state.containsKey("cls/seq_relationship/weight");
        LinkedHashMap<String, HostTensor> out = new LinkedHashMap<>();
        Map<String, HostTensor[]> fused = new LinkedHashMap<>();
        int h = config.hidden();
        for (Entry e : entries(architecture, config)) {
            String key = (e.base() ? architecture.prefix() : "") + e.key();
            if (e.ours() != null && e.ours().startsWith("pooler/") && !pairHead) {
                continue;
            }
            switch (e.part()) {
                case FUSED_QUERY, FUSED_KEY, FUSED_VALUE -> {
                    HostTensor[] parts = fused.computeIfAbsent(key, k -> new HostTensor[3]);
                    int index = e.part().ordinal() - Part.FUSED_QUERY.ordinal();
                    parts[index] = e.ours() == null ? HostTensor.ofFloats(new long[] {h}, new float[h]) : state.get(e.ours());
                    if (parts[index] == null) {
                        throw new IllegalArgumentException("no value for '" + e.ours() + "'");
                    }
                    if (index == 2) {
                        out.put(key, joinThirds(parts));
                    }
                }
                case ZEROS -> out.put(key, HostTensor.ofFloats(new long[] {h}, new float[h]));
                default -> {
                    HostTensor value = state.get(e.ours());
                    if (value != null) {
                        out.put(key, fromOurs(e.part(), value));
                    }
                }
            }
        }
        return out;
    }

    private static HostTensor joinThirds(HostTensor[] parts) {
        if (parts[0].rank() == 1) {
            int n = parts[0].size();
            float[] out = new float[3 * n];
            for (int p = 0; p < 3; p++) {
                System.arraycopy(parts[p].floats(), 0, out, p * n, n);
            }
            return HostTensor.ofFloats(new long[] {3L * n}, out);
        }
        int rows = (int) parts[0].dim(0);
        int cols = (int) parts[0].dim(1);
        float[] out = new float[rows * 3 * cols];
        for (int p = 0; p < 3; p++) {
            float[] in = parts[p].floats();
            for (int r = 0; r < rows; r++) {
                System.arraycopy(in, r * cols, out, r * 3 * cols + p * cols, cols);
            }
        }
        return HostTensor.ofFloats(new long[] {rows, 3L * cols}, out);
    }
}

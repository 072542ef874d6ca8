package org.pretrain4j.pretrained;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.pretrain4j.nn.Activation;
import org.pretrain4j.nn.TransformerConfig;
import org.pretrain4j.spi.AttentionKind;

/**
 * A model folder's {@code config.json} as a {@link TransformerConfig}. Every option that changes
 * what the model computes is honoured or refused by name: sizes, {@code max_position_embeddings} /
 * {@code n_positions}, {@code layer_norm_eps} / {@code layer_norm_epsilon}, {@code type_vocab_size},
 * {@code hidden_act} / {@code activation_function}, {@code tie_word_embeddings}, RoBERTa's
 * {@code pad_token_id}; refused are relative position embeddings, cross-attention, decoders built
 * from encoders, GPT-2's unscaled or layer-scaled attention and untied output embeddings. Dropout
 * rates are the run's ({@code --dropout}), not the file's. Keys that change nothing in the forward
 * pass (ids of labels, generation settings, versions) are ignored.
 *
 * @param file the config.json read
 * @param architecture its {@code model_type}
 * @param architectures its {@code architectures} (e.g. BertForPreTraining), empty when absent
 * @param model the transformer it describes (dropout 0: the run sets it)
 * @param padTokenId {@code pad_token_id}, -1 when absent
 */
public record HuggingFaceConfig(Path file, HuggingFaceArchitecture architecture, List<String> architectures,
        TransformerConfig model, int padTokenId) {
    /** The file name in a model folder. */
    public static final String FILE = "config.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    public HuggingFaceConfig {
        requireNonNull(file, "file is null");
        requireNonNull(architecture, "architecture is null");
        architectures = List.copyOf(architectures);
        requireNonNull(model, "model is null");
    }

    /** Reads {@code folder/config.json}; any problem fails with one line naming the file. */
    public static HuggingFaceConfig read(Path folder) {
        return readFile(folder.resolve(FILE));
    }

    /** Reads a config.json under any name (e.g. a run folder's copy). */
    public static HuggingFaceConfig readFile(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new PretrainedModelException(file, "does not exist; a model folder needs config.json next to its weights");
        } catch (JsonProcessingException e) {
            throw new PretrainedModelException(file, "is not valid JSON: " + e.getOriginalMessage().split("\n")[0]);
        } catch (IOException e) {
            throw new PretrainedModelException(file, "cannot be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new PretrainedModelException(file, "must hold a JSON object");
        }
        return new Reader(file, root).read();
    }

    /** Reads one config.json, naming the file and key in every failure. */
    private record Reader(Path file, JsonNode root) {
        HuggingFaceConfig read() {
            HuggingFaceArchitecture architecture = HuggingFaceArchitecture.of(root.path("model_type").asText(null), file);
            List<String> architectures = new ArrayList<>();
            root.path("architectures").forEach(a -> architectures.add(a.asText()));
            refuseIf(root.path("add_cross_attention").asBoolean(false), "add_cross_attention", "true",
                    "cross-attention is not supported");
            refuseIf(!root.path("tie_word_embeddings").asBoolean(true), "tie_word_embeddings", "false",
                    "the output projection is always the token embedding (tied)");
            int pad = root.path("pad_token_id").isIntegralNumber() ? root.path("pad_token_id").asInt() : -1;
            TransformerConfig model = architecture == HuggingFaceArchitecture.GPT2 ? gpt2() : encoder(architecture, pad);
            return new HuggingFaceConfig(file, architecture, architectures, model, pad);
        }

        private TransformerConfig encoder(HuggingFaceArchitecture architecture, int pad) {
            String positions = root.path("position_embedding_type").asText("absolute");
            refuseIf(!positions.equals("absolute"), "position_embedding_type", positions, "only absolute positions are supported");
            refuseIf(root.path("is_decoder").asBoolean(false), "is_decoder", "true", "only encoders are read as " + architecture.modelType());
            if (root.has("embedding_size") && !root.get("embedding_size").equals(root.get("hidden_size"))) {
                throw unsupported("embedding_size", root.get("embedding_size").asText(), "factorised embeddings are not supported");
            }
            int hidden = positiveInt("hidden_size");
            boolean roberta = architecture == HuggingFaceArchitecture.ROBERTA;
            if (roberta && pad < 0) {
                throw new PretrainedModelException(file, "'pad_token_id' is missing; RoBERTa's positions start after it");
            }
            int maxPositions = positiveInt("max_position_embeddings");
            return build(positiveInt("num_hidden_layers"), hidden, positiveInt("num_attention_heads"),
                    positiveInt("intermediate_size"), maxPositions, root.has("type_vocab_size") ? positiveInt("type_vocab_size") : 2,
                    AttentionKind.BIDIRECTIONAL, number("layer_norm_eps", 1e-12), activation("hidden_act"), roberta ? pad : -1, true);
        }

        private TransformerConfig gpt2() {
            refuseIf(!root.path("scale_attn_weights").asBoolean(true), "scale_attn_weights", "false",
                    "attention scores are always scaled by 1/sqrt(head size)");
            refuseIf(root.path("scale_attn_by_inverse_layer_idx").asBoolean(false), "scale_attn_by_inverse_layer_idx", "true",
                    "attention scores are not scaled by layer");
            int hidden = positiveInt("n_embd");
            int inner = root.path("n_inner").isNull() || root.path("n_inner").isMissingNode() ? 4 * hidden : positiveInt("n_inner");
            int positions = root.has("n_positions") ? positiveInt("n_positions") : positiveInt("n_ctx");
            return build(positiveInt("n_layer"), hidden, positiveInt("n_head"), inner, positions, 1, AttentionKind.CAUSAL,
                    number("layer_norm_epsilon", 1e-5), activation("activation_function"), -1, false);
        }

        private TransformerConfig build(int layers, int hidden, int heads, int ffn, int maxPositions, int types,
                AttentionKind attention, double epsilon, Activation activation, int paddingIndex, boolean outputBias) {
            try {
                return new TransformerConfig(layers, hidden, heads, ffn, positiveInt("vocab_size"), maxPositions, types, attention,
                        0, 0, epsilon, number("initializer_range", 0.02), activation, paddingIndex, outputBias);
            } catch (IllegalArgumentException e) {
                throw new PretrainedModelException(file, e.getMessage());
            }
        }

        private Activation activation(String key) {
            String name = root.path(key).asText("gelu");
            try {
                return Activation.fromHuggingFace(name);
            } catch (IllegalArgumentException e) {
                throw new PretrainedModelException(file, "'" + key + "': " + e.getMessage());
            }
        }

        private int positiveInt(String key) {
            JsonNode v = root.get(key);
            if (v == null || v.isNull()) {
                throw new PretrainedModelException(file, "'" + key + "' is missing");
            }
            if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() <= 0) {
                throw new PretrainedModelException(file, "'" + key + "' must be a positive integer, got " + v);
            }
            return v.asInt();
        }

        private double number(String key, double fallback) {
            JsonNode v = root.get(key);
            if (v == null || v.isNull()) {
                return fallback;
            }
            if (!v.isNumber() || !(v.asDouble() > 0)) {
                throw new PretrainedModelException(file, "'" + key + "' must be a positive number, got " + v);
            }
            return v.asDouble();
        }

        private void refuseIf(boolean bad, String key, String value, String why) {
            if (bad) {
                throw unsupported(key, value, why);
            }
        }

        private PretrainedModelException unsupported(String key, String value, String why) {
            return new PretrainedModelException(file, "'" + key + "': " + value + " is not supported (" + why + ")");
        }
    }
}

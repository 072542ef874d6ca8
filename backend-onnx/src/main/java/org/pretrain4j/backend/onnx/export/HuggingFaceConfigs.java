package org.pretrain4j.backend.onnx.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.pretrain4j.nn.TransformerConfig;
import org.pretrain4j.spi.ExportRequest;
import org.pretrain4j.text.SpecialTokens;
import org.pretrain4j.text.Tokenizer;
import org.pretrain4j.text.Tokenizers;

/** The Hugging Face JSON files of an export, with the keys transformers.js reads (see EXPORT.md). */
final class HuggingFaceConfigs {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private HuggingFaceConfigs() {}

    /** {@code config.json}: BERT keys for encoders, GPT-2 keys for decoders. */
    static ObjectNode modelConfig(ExportRequest request, boolean decoder, boolean nsp) {
        TransformerConfig c = request.config();
        SpecialTokens s = request.tokenizer().specialTokens();
        ObjectNode root = NODES.objectNode();
        if (decoder) {
            root.put("model_type", "gpt2");
            root.putArray("architectures").add("GPT2LMHeadModel");
            root.put("vocab_size", c.vocabularySize());
            root.put("n_embd", c.hidden());
            root.put("n_layer", c.layers());
            root.put("n_head", c.heads());
            root.put("n_inner", c.ffn());
            root.put("n_positions", c.maxPositions());
            root.put("n_ctx", c.maxPositions());
            root.put("bos_token_id", s.bos() >= 0 ? s.bos() : s.eos());
            root.put("eos_token_id", s.eos());
            if (s.pad() >= 0) {
                root.put("pad_token_id", s.pad());
            }
            root.put("activation_function", "gelu");
            root.put("layer_norm_epsilon", c.layerNormEpsilon());
            root.put("resid_pdrop", c.hiddenDropout());
            root.put("embd_pdrop", c.hiddenDropout());
            root.put("attn_pdrop", c.attentionDropout());
            root.put("initializer_range", c.initializerRange());
            root.put("tie_word_embeddings", true);
            root.put("use_cache", true);
        } else {
            root.put("model_type", "bert");
            root.putArray("architectures").add(nsp ? "BertForPreTraining" : "BertForMaskedLM");
            root.put("vocab_size", c.vocabularySize());
            root.put("hidden_size", c.hidden());
            root.put("num_hidden_layers", c.layers());
            root.put("num_attention_heads", c.heads());
            root.put("intermediate_size", c.ffn());
            root.put("max_position_embeddings", c.maxPositions());
            root.put("type_vocab_size", c.typeVocabularySize());
            root.put("hidden_act", "gelu");
            root.put("layer_norm_eps", c.layerNormEpsilon());
            root.put("hidden_dropout_prob", c.hiddenDropout());
            root.put("attention_probs_dropout_prob", c.attentionDropout());
            root.put("initializer_range", c.initializerRange());
            root.put("pad_token_id", Math.max(s.pad(), 0));
            root.put("position_embedding_type", "absolute");
        }
        root.put("torch_dtype", "float32");
        root.putObject("transformers.js_config").put("dtype", "fp32");
        return root;
    }

    /**
     * {@code tokenizer_config.json}: the text module's fields ({@link org.pretrain4j.text.Tokenizers#tokenizerConfig}),
     * with {@code do_lower_case} and {@code strip_accents} as the saved tokenizer.json's normalizer says (so a
     * brought tokenizer.json is described truly) and the padding side transformers.js should use.
     */
    static ObjectNode tokenizerConfig(ExportRequest request, boolean decoder, JsonNode tokenizerJson) {
        Map<String, Object> fields = new LinkedHashMap<>(Tokenizers.tokenizerConfig(request.tokenizer(), request.config().maxPositions()));
        if (!decoder) {
            JsonNode normalizer = tokenizerJson.path("normalizer");
            if (normalizer.path("lowercase").isBoolean()) {
                fields.put("do_lower_case", normalizer.path("lowercase").asBoolean());
            }
            if (normalizer.path("strip_accents").isBoolean()) {
                fields.put("strip_accents", normalizer.path("strip_accents").asBoolean());
            }
        } else if (!fields.containsKey("pad_token")) {
            fields.put("pad_token", request.tokenizer().idToToken(request.tokenizer().specialTokens().eos()));
        }
        fields.put("padding_side", decoder ? "left" : "right");
        return new ObjectMapper().valueToTree(fields);
    }

    /** {@code generation_config.json} for decoders. */
    static ObjectNode generationConfig(ExportRequest request) {
        SpecialTokens s = request.tokenizer().specialTokens();
        ObjectNode root = NODES.objectNode();
        root.put("bos_token_id", s.bos() >= 0 ? s.bos() : s.eos());
        root.put("eos_token_id", s.eos());
        if (s.pad() >= 0) {
            root.put("pad_token_id", s.pad());
        }
        return root;
    }
}

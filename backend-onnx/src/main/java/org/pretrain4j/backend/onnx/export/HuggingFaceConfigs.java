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
            root.put("activation_function", c.activation().huggingFaceName());
            root.put("layer_norm_epsilon", c.layerNormEpsilon());
            root.put("resid_pdrop", c.hiddenDropout());
            root.put("embd_pdrop", c.hiddenDropout());
            root.put("attn_pdrop", c.attentionDropout());
            root.put("initializer_range", c.initializerRange());
            root.put("tie_word_embeddings", true);
            root.put("use_cache", true);
            root.put("scale_attn_weights", true);
            root.put("scale_attn_by_inverse_layer_idx", false);
            root.put("reorder_and_upcast_attn", false);
        } else if (c.robertaPositions()) {
            root.put("model_type", "roberta");
            root.putArray("architectures").add("RobertaForMaskedLM");
            encoderSizes(root, c);
            root.put("pad_token_id", c.paddingPositionIndex());
            root.put("bos_token_id", s.cls() >= 0 ? s.cls() : s.bos());
            root.put("eos_token_id", s.sep() >= 0 ? s.sep() : s.eos());
        } else {
            root.put("model_type", "bert");
            root.putArray("architectures").add(nsp ? "BertForPreTraining" : "BertForMaskedLM");
            encoderSizes(root, c);
            root.put("pad_token_id", Math.max(s.pad(), 0));
        }
        root.put("torch_dtype", "float32");
        root.putObject("transformers.js_config").put("dtype", "fp32");
        return root;
    }

    /** The BertConfig fields RoBERTa shares. */
    private static void encoderSizes(ObjectNode root, TransformerConfig c) {
        root.put("vocab_size", c.vocabularySize());
        root.put("hidden_size", c.hidden());
        root.put("num_hidden_layers", c.layers());
        root.put("num_attention_heads", c.heads());
        root.put("intermediate_size", c.ffn());
        root.put("max_position_embeddings", c.maxPositions());
        root.put("type_vocab_size", c.typeVocabularySize());
        root.put("hidden_act", c.activation().huggingFaceName());
        root.put("layer_norm_eps", c.layerNormEpsilon());
        root.put("hidden_dropout_prob", c.hiddenDropout());
        root.put("attention_probs_dropout_prob", c.attentionDropout());
        root.put("initializer_range", c.initializerRange());
        root.put("position_embedding_type", "absolute");
        root.put("tie_word_embeddings", true);
        root.put("is_decoder", false);
        root.put("add_cross_attention", false);
    }

    /**
     * {@code tokenizer_config.json}: the text module's fields ({@link org.pretrain4j.text.Tokenizers#tokenizerConfig}),
     * with {@code do_lower_case} and {@code strip_accents} as the saved tokenizer.json's normalizer says (so a
     * brought tokenizer.json is described truly) and the padding side transformers.js should use.
     */
    static ObjectNode tokenizerConfig(ExportRequest request, boolean decoder, JsonNode tokenizerJson) {
        Map<String, Object> fields = new LinkedHashMap<>(Tokenizers.tokenizerConfig(request.tokenizer(), request.config().usablePositions()));
        if (request.config().robertaPositions()) {
            // A model started from RoBERTa keeps its byte-level tokenizer with <s> </s> <mask>: RoBERTa's tokenizer class.
            SpecialTokens s = request.tokenizer().specialTokens();
            fields.put("tokenizer_class", "RobertaTokenizer");
            putToken(fields, "bos_token", s.cls() >= 0 ? s.cls() : s.bos(), request);
            putToken(fields, "eos_token", s.sep() >= 0 ? s.sep() : s.eos(), request);
            putToken(fields, "cls_token", s.cls(), request);
            putToken(fields, "sep_token", s.sep(), request);
            putToken(fields, "mask_token", s.mask(), request);
            putToken(fields, "pad_token", s.pad(), request);
            putToken(fields, "unk_token", s.unk(), request);
            fields.put("add_prefix_space", false);
        } else if (!decoder) {
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

    private static void putToken(Map<String, Object> fields, String key, int id, ExportRequest request) {
        if (id >= 0) {
            fields.put(key, request.tokenizer().idToToken(id));
        }
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

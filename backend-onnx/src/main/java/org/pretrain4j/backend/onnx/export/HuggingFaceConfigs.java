package org.pretrain4j.backend.onnx.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.pretrain4j.nn.TransformerConfig;
import org.pretrain4j.text.SpecialTokens;
import org.pretrain4j.text.Tokenizer;

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

    /** {@code tokenizer_config.json}: the tokenizer class and special tokens; lower-casing read back from tokenizer.json. */
    static ObjectNode tokenizerConfig(ExportRequest request, boolean decoder, JsonNode tokenizerJson) {
        Tokenizer t = request.tokenizer();
        SpecialTokens s = t.specialTokens();
        ObjectNode root = NODES.objectNode();
        if (decoder) {
            String eos = t.idToToken(s.eos());
            root.put("tokenizer_class", "GPT2Tokenizer");
            root.put("bos_token", s.bos() >= 0 ? t.idToToken(s.bos()) : eos);
            root.put("eos_token", eos);
            root.put("unk_token", s.unk() >= 0 ? t.idToToken(s.unk()) : eos);
            root.put("pad_token", s.pad() >= 0 ? t.idToToken(s.pad()) : eos);
            root.put("add_bos_token", false);
            root.put("add_prefix_space", false);
            root.put("model_max_length", request.config().maxPositions());
            root.put("padding_side", "left");
        } else {
            JsonNode normalizer = tokenizerJson.path("normalizer");
            root.put("tokenizer_class", "BertTokenizer");
            root.put("do_lower_case", normalizer.path("lowercase").asBoolean(true));
            JsonNode strip = normalizer.path("strip_accents");
            if (strip.isBoolean()) {
                root.put("strip_accents", strip.asBoolean());
            }
            root.put("tokenize_chinese_chars", normalizer.path("handle_chinese_chars").asBoolean(true));
            putToken(root, "unk_token", t, s.unk());
            putToken(root, "sep_token", t, s.sep());
            putToken(root, "pad_token", t, s.pad());
            putToken(root, "cls_token", t, s.cls());
            putToken(root, "mask_token", t, s.mask());
            root.put("model_max_length", request.config().maxPositions());
            root.put("padding_side", "right");
        }
        root.put("clean_up_tokenization_spaces", false);
        return root;
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

    private static void putToken(ObjectNode root, String key, Tokenizer t, int id) {
        if (id >= 0) {
            root.put(key, t.idToToken(id));
        }
    }
}

package org.pretrain4j.text;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes and reads Hugging Face {@code tokenizer.json} ("version": "1.0") for our two tokenizer kinds. */
final class HuggingFaceJson {
    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private HuggingFaceJson() {
    }

    static void write(Tokenizer tokenizer, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        MAPPER.writeValue(file.toFile(), toJson(tokenizer));
    }

    static Map<String, Object> toJson(Tokenizer tokenizer) {
        if (tokenizer instanceof WordPieceTokenizer) {
            return wordPieceJson((WordPieceTokenizer) tokenizer);
        }
        if (tokenizer instanceof ByteLevelBpeTokenizer) {
            return bpeJson((ByteLevelBpeTokenizer) tokenizer);
        }
        throw new IllegalArgumentException("cannot write " + tokenizer.getClass().getName() + " as tokenizer.json");
    }

    private static List<Object> addedTokens(Map<String, Integer> tokens) {
        return addedTokens(tokens, java.util.Set.of());
    }

    private static List<Object> addedTokens(Map<String, Integer> tokens, java.util.Set<String> lstrip) {
        List<Object> list = new ArrayList<>();
        tokens.entrySet().stream().sorted(Map.Entry.comparingByValue()).forEach(e -> {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("id", e.getValue());
            t.put("content", e.getKey());
            t.put("single_word", false);
            t.put("lstrip", lstrip.contains(e.getKey()));
            t.put("rstrip", false);
            t.put("normalized", false);
            t.put("special", true);
            list.add(t);
        });
        return list;
    }

    private static Map<String, Object> vocabJson(List<String> vocab) {
        Map<String, Object> v = new LinkedHashMap<>();
        for (int i = 0; i < vocab.size(); i++) {
            v.put(vocab.get(i), i);
        }
        return v;
    }

    private static Map<String, Object> wordPieceJson(WordPieceTokenizer t) {
        Map<String, Object> root = header(t.addedTokens());
        Map<String, Object> normalizer = new LinkedHashMap<>();
        normalizer.put("type", "BertNormalizer");
        normalizer.put("clean_text", t.normalizer().cleanText());
        normalizer.put("handle_chinese_chars", t.normalizer().handleChineseChars());
        normalizer.put("strip_accents", t.stripAccents());
        normalizer.put("lowercase", t.lowercase());
        root.put("normalizer", normalizer);
        root.put("pre_tokenizer", Map.of("type", "BertPreTokenizer"));
        SpecialTokens s = t.specialTokens();
        if (s.cls() >= 0 && s.sep() >= 0) {
            String cls = t.idToToken(s.cls());
            String sep = t.idToToken(s.sep());
            Map<String, Object> post = new LinkedHashMap<>();
            post.put("type", "TemplateProcessing");
            post.put("single", List.of(special(cls, 0), sequence("A", 0), special(sep, 0)));
            post.put("pair", List.of(special(cls, 0), sequence("A", 0), special(sep, 0), sequence("B", 1), special(sep, 1)));
            Map<String, Object> specials = new LinkedHashMap<>();
            specials.put(cls, specialTokenEntry(cls, s.cls()));
            specials.put(sep, specialTokenEntry(sep, s.sep()));
            post.put("special_tokens", specials);
            root.put("post_processor", post);
        } else {
            root.put("post_processor", null);
        }
        Map<String, Object> decoder = new LinkedHashMap<>();
        decoder.put("type", "WordPiece");
        decoder.put("prefix", t.continuingSubwordPrefix());
        decoder.put("cleanup", true);
        root.put("decoder", decoder);
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("type", "WordPiece");
        model.put("unk_token", t.unkToken());
        model.put("continuing_subword_prefix", t.continuingSubwordPrefix());
        model.put("max_input_chars_per_word", t.maxInputCharsPerWord());
        model.put("vocab", vocabJson(t.vocabulary()));
        root.put("model", model);
        return root;
    }

    private static Map<String, Object> bpeJson(ByteLevelBpeTokenizer t) {
        Map<String, Object> root = header(t.addedTokens(), t.lstripTokens());
        root.put("normalizer", null);
        root.put("pre_tokenizer", byteLevel(false, true));
        if (t.robertaProcessing()) {
            SpecialTokens s = t.specialTokens();
            Map<String, Object> post = new LinkedHashMap<>();
            post.put("type", "RobertaProcessing");
            post.put("sep", List.of(t.idToToken(s.sep()), s.sep()));
            post.put("cls", List.of(t.idToToken(s.cls()), s.cls()));
            post.put("trim_offsets", t.trimOffsets());
            post.put("add_prefix_space", false);
            root.put("post_processor", post);
        } else {
            root.put("post_processor", byteLevel(false, t.trimOffsets()));
        }
        root.put("decoder", byteLevel(true, true));
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("type", "BPE");
        model.put("dropout", null);
        model.put("unk_token", null);
        model.put("continuing_subword_prefix", null);
        model.put("end_of_word_suffix", null);
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("vocab", vocabJson(t.vocabulary()));
        List<String> merges = new ArrayList<>(t.merges().size());
        for (String[] m : t.merges()) {
            merges.add(m[0] + " " + m[1]);
        }
        model.put("merges", merges);
        root.put("model", model);
        return root;
    }

    private static Map<String, Object> byteLevel(boolean addPrefixSpace, boolean trimOffsets) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "ByteLevel");
        m.put("add_prefix_space", addPrefixSpace);
        m.put("trim_offsets", trimOffsets);
        m.put("use_regex", true);
        return m;
    }

    private static Map<String, Object> header(Map<String, Integer> added) {
        return header(added, java.util.Set.of());
    }

    private static Map<String, Object> header(Map<String, Integer> added, java.util.Set<String> lstrip) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", "1.0");
        root.put("truncation", null);
        root.put("padding", null);
        root.put("added_tokens", addedTokens(added, lstrip));
        return root;
    }

    private static Map<String, Object> special(String token, int typeId) {
        return Map.of("SpecialToken", ordered("id", token, "type_id", typeId));
    }

    private static Map<String, Object> sequence(String id, int typeId) {
        return Map.of("Sequence", ordered("id", id, "type_id", typeId));
    }

    // ---------------------------------------------------------------- reading

    static Tokenizer read(Path file) throws IOException {
        JsonNode root;
        try {
            root = MAPPER.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ";
            throw new TokenizerFormatException(file, "not valid JSON: " + where + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new TokenizerFormatException(file, "expected a JSON object with a \"model\" field");
        }
        JsonNode model = root.get("model");
        if (model == null || !model.isObject()) {
            throw new TokenizerFormatException(file, "no \"model\" object: not a Hugging Face tokenizer.json");
        }
        String type = text(model, "type", null);
        Map<String, Integer> added = new LinkedHashMap<>();
        java.util.Set<String> lstrip = new java.util.LinkedHashSet<>();
        JsonNode addedNode = root.get("added_tokens");
        if (addedNode != null && addedNode.isArray()) {
            int k = 0;
            for (JsonNode a : addedNode) {
                if (!a.hasNonNull("content") || !a.hasNonNull("id")) {
                    throw new TokenizerFormatException(file, "added_tokens[" + k + "] needs \"id\" and \"content\"");
                }
                added.put(a.get("content").asText(), a.get("id").asInt());
                if (a.path("lstrip").asBoolean(false)) {
                    lstrip.add(a.get("content").asText());
                }
                if (a.path("rstrip").asBoolean(false) || a.path("single_word").asBoolean(false)) {
                    throw new TokenizerFormatException(file, "added_tokens[" + k + "] ('" + a.get("content").asText()
                            + "') uses rstrip or single_word, which are not supported (supported: lstrip)");
                }
                k++;
            }
        }
        if (type == null) {
            // Older files omit model.type; the fields tell the kind.
            type = model.has("merges") ? "BPE" : model.has("continuing_subword_prefix") ? "WordPiece" : null;
        }
        if ("WordPiece".equals(type)) {
            if (!lstrip.isEmpty()) {
                throw new TokenizerFormatException(file, "added token " + lstrip.iterator().next()
                        + " has lstrip true, which is supported with byte-level BPE only");
            }
            return readWordPiece(file, root, model, added);
        }
        if ("BPE".equals(type)) {
            return readBpe(file, root, model, added, lstrip);
        }
        throw new TokenizerFormatException(file, "model.type '" + type + "' is not supported (supported: WordPiece, BPE)");
    }

    private static String text(JsonNode node, String field, String fallback) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? fallback : v.asText();
    }

    private static List<String> vocabulary(Path file, JsonNode model, Map<String, Integer> added) throws TokenizerFormatException {
        JsonNode vocabNode = model.get("vocab");
        if (vocabNode == null || !vocabNode.isObject()) {
            throw new TokenizerFormatException(file, "model.vocab must be an object of token to id");
        }
        int max = -1;
        Iterator<Map.Entry<String, JsonNode>> it = vocabNode.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().canConvertToInt() || e.getValue().asInt() < 0) {
                throw new TokenizerFormatException(file, "model.vocab['" + e.getKey() + "'] is not a non-negative integer id");
            }
            max = Math.max(max, e.getValue().asInt());
        }
        for (int id : added.values()) {
            max = Math.max(max, id);
        }
        String[] tokens = new String[max + 1];
        it = vocabNode.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            int id = e.getValue().asInt();
            if (tokens[id] != null) {
                throw new TokenizerFormatException(file, "model.vocab gives id " + id + " to both '" + tokens[id] + "' and '" + e.getKey() + "'");
            }
            tokens[id] = e.getKey();
        }
        for (Map.Entry<String, Integer> e : added.entrySet()) {
            if (tokens[e.getValue()] == null) {
                tokens[e.getValue()] = e.getKey();
            }
        }
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] == null) {
                throw new TokenizerFormatException(file, "model.vocab has no token with id " + i + " (ids must be 0.." + max + ")");
            }
        }
        return Arrays.asList(tokens);
    }

    private static WordPieceTokenizer readWordPiece(Path file, JsonNode root, JsonNode model, Map<String, Integer> added)
            throws TokenizerFormatException {
        List<String> vocab = vocabulary(file, model, added);
        JsonNode n = root.get("normalizer");
        BertNormalizer normalizer;
        if (n == null || n.isNull()) {
            normalizer = new BertNormalizer(false, false, false, false);
        } else if ("BertNormalizer".equals(text(n, "type", ""))) {
            boolean lowercase = n.path("lowercase").asBoolean(true);
            JsonNode strip = n.get("strip_accents");
            boolean stripAccents = strip == null || strip.isNull() ? lowercase : strip.asBoolean();
            normalizer = new BertNormalizer(n.path("clean_text").asBoolean(true), n.path("handle_chinese_chars").asBoolean(true),
                    stripAccents, lowercase);
        } else {
            throw new TokenizerFormatException(file, "normalizer.type '" + text(n, "type", null)
                    + "' is not supported with WordPiece (supported: BertNormalizer or null)");
        }
        JsonNode p = root.get("pre_tokenizer");
        if (p == null || p.isNull() || !"BertPreTokenizer".equals(text(p, "type", ""))) {
            throw new TokenizerFormatException(file, "pre_tokenizer must be BertPreTokenizer for WordPiece, found "
                    + (p == null || p.isNull() ? "null" : "'" + text(p, "type", null) + "'"));
        }
        JsonNode post = root.get("post_processor");
        if (post != null && !post.isNull() && !"TemplateProcessing".equals(text(post, "type", ""))
                && !"BertProcessing".equals(text(post, "type", ""))) {
            throw new TokenizerFormatException(file, "post_processor '" + text(post, "type", null)
                    + "' is not supported with WordPiece (supported: TemplateProcessing or BertProcessing with [CLS] and [SEP])");
        }
        String unk = text(model, "unk_token", "[UNK]");
        String prefix = text(model, "continuing_subword_prefix", "##");
        int maxChars = model.path("max_input_chars_per_word").asInt(100);
        try {
            return new WordPieceTokenizer(vocab, normalizer, unk, prefix, maxChars, added);
        } catch (IllegalArgumentException e) {
            throw new TokenizerFormatException(file, e.getMessage(), e);
        }
    }

    /** True for a TemplateProcessing that adds no special tokens: single "A" (type 0), pair "A B" (types 0 and 1). */
    private static boolean plainTemplate(JsonNode post) {
        JsonNode specials = post.get("special_tokens");
        if (specials != null && !specials.isNull() && !specials.isEmpty()) {
            return false;
        }
        return sequences(post.get("single")).equals(List.of("A:0")) && sequences(post.get("pair")).equals(List.of("A:0", "B:1"));
    }

    private static List<String> sequences(JsonNode template) {
        List<String> items = new ArrayList<>();
        if (template != null && template.isArray()) {
            for (JsonNode item : template) {
                JsonNode seq = item.get("Sequence");
                items.add(seq == null ? "special" : seq.path("id").asText() + ":" + seq.path("type_id").asInt());
            }
        }
        return items;
    }

    /** RobertaProcessing names cls and sep; pad, unk and mask are RoBERTa's by name where the vocabulary has them. */
    private static SpecialTokens robertaSpecials(Path file, JsonNode post, List<String> vocab) throws TokenizerFormatException {
        int cls = processingToken(file, post, "cls", vocab);
        int sep = processingToken(file, post, "sep", vocab);
        return new SpecialTokens(vocab.indexOf("<pad>"), vocab.indexOf("<unk>"), cls, sep, vocab.indexOf("<mask>"), cls, sep);
    }

    private static int processingToken(Path file, JsonNode post, String field, List<String> vocab) throws TokenizerFormatException {
        JsonNode pair = post.get(field);
        if (pair == null || !pair.isArray() || pair.size() != 2 || !pair.get(1).canConvertToInt()) {
            throw new TokenizerFormatException(file, "post_processor." + field + " must be [token, id]");
        }
        int id = pair.get(1).asInt();
        if (id < 0 || id >= vocab.size() || !vocab.get(id).equals(pair.get(0).asText())) {
            throw new TokenizerFormatException(file, "post_processor." + field + " " + pair + " does not match the vocabulary");
        }
        return id;
    }

    private static ByteLevelBpeTokenizer readBpe(Path file, JsonNode root, JsonNode model, Map<String, Integer> added,
            java.util.Set<String> lstrip) throws TokenizerFormatException {
        JsonNode n = root.get("normalizer");
        if (n != null && !n.isNull()) {
            throw new TokenizerFormatException(file, "normalizer '" + text(n, "type", null)
                    + "' is not supported with byte-level BPE (supported: null)");
        }
        JsonNode p = root.get("pre_tokenizer");
        if (p == null || p.isNull() || !"ByteLevel".equals(text(p, "type", ""))) {
            throw new TokenizerFormatException(file, "pre_tokenizer must be ByteLevel for BPE, found "
                    + (p == null || p.isNull() ? "null" : "'" + text(p, "type", null) + "'"));
        }
        if (p.path("add_prefix_space").asBoolean(false)) {
            throw new TokenizerFormatException(file, "pre_tokenizer.add_prefix_space true is not supported (GPT-2 style needs false)");
        }
        if (!p.path("use_regex").asBoolean(true)) {
            throw new TokenizerFormatException(file, "pre_tokenizer.use_regex false is not supported");
        }
        if (model.path("byte_fallback").asBoolean(false)) {
            throw new TokenizerFormatException(file, "model.byte_fallback true is not supported (byte-level BPE needs none)");
        }
        for (String field : List.of("continuing_subword_prefix", "end_of_word_suffix")) {
            String v = text(model, field, "");
            if (!v.isEmpty()) {
                throw new TokenizerFormatException(file, "model." + field + " '" + v + "' is not supported with byte-level BPE");
            }
        }
        List<String> vocab = vocabulary(file, model, added);
        JsonNode mergesNode = model.get("merges");
        if (mergesNode == null || !mergesNode.isArray()) {
            throw new TokenizerFormatException(file, "model.merges must be an array");
        }
        List<String[]> merges = new ArrayList<>(mergesNode.size());
        int k = 0;
        for (JsonNode m : mergesNode) {
            String[] pair;
            if (m.isTextual()) {
                String[] parts = m.asText().split(" ", -1);
                pair = parts.length == 2 ? parts : null;
            } else if (m.isArray() && m.size() == 2) {
                pair = new String[] {m.get(0).asText(), m.get(1).asText()};
            } else {
                pair = null;
            }
            if (pair == null) {
                throw new TokenizerFormatException(file, "model.merges[" + k + "] is not a pair: " + m);
            }
            merges.add(pair);
            k++;
        }
        JsonNode post = root.get("post_processor");
        boolean trim = false;
        boolean postPrefix = false;
        SpecialTokens special = null;
        boolean roberta = false;
        if (post != null && !post.isNull()) {
            String postType = text(post, "type", "");
            if (postType.equals("RobertaProcessing")) {
                roberta = true;
                special = robertaSpecials(file, post, vocab);
            } else if (postType.equals("TemplateProcessing") && plainTemplate(post)) {
                // transformers 5 saves GPT-2 with a template that adds nothing: A, and A B with type ids 0 and 1.
                special = null;
            } else if (!postType.equals("ByteLevel")) {
                throw new TokenizerFormatException(file, "post_processor '" + text(post, "type", null)
                        + "' is not supported with byte-level BPE (supported: ByteLevel, RobertaProcessing, a TemplateProcessing adding no tokens, or null)");
            }
            boolean template = postType.equals("TemplateProcessing");
            trim = !template && post.path("trim_offsets").asBoolean(true);
            postPrefix = !template && post.path("add_prefix_space").asBoolean(!roberta);
            if (roberta && postPrefix) {
                throw new TokenizerFormatException(file, "post_processor.add_prefix_space true is not supported (RoBERTa style needs false)");
            }
        }
        try {
            return new ByteLevelBpeTokenizer(vocab, merges, added, trim, postPrefix, special, roberta, lstrip);
        } catch (IllegalArgumentException e) {
            throw new TokenizerFormatException(file, e.getMessage(), e);
        }
    }

    /** A post-processor's special-token entry; ordered so that a saved file is the same bytes in every JVM. */
    private static Map<String, Object> specialTokenEntry(String token, int id) {
        return ordered("id", token, "ids", List.of(id), "tokens", List.of(token));
    }

    /** Keys in the order given: Map.of iterates in an order that changes from one JVM to the next. */
    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}

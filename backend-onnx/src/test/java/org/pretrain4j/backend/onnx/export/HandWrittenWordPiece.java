package org.pretrain4j.backend.onnx.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.pretrain4j.text.Encoding;
import org.pretrain4j.text.SpecialTokens;
import org.pretrain4j.text.Tokenizer;

/**
 * A small WordPiece vocabulary written as a Hugging Face tokenizer.json by hand, per EXPORT.md:
 * the stand-in for the text module's trained tokenizer in the export tests. Encoding splits on
 * spaces and punctuation and lower-cases, enough for the sentences the tests use.
 */
final class HandWrittenWordPiece implements Tokenizer {
    static final List<String> VOCAB = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
            "the", "cat", "sat", "on", "mat", "dog", "ran", "a", "park", "in", "is", "big", "small", "house", "tree",
            "red", "blue", "green", "day", "night", ".", ",", "!", "?", "and", "to", "of", "it", "was", "he", "she",
            "##s", "##ed", "##ing", "##ly", "hello", "world", "java", "model", "text", "word", "piece", "runs");

    @Override
    public Kind kind() {
        return Kind.WORDPIECE;
    }

    @Override
    public int vocabularySize() {
        return VOCAB.size();
    }

    @Override
    public SpecialTokens specialTokens() {
        return new SpecialTokens(0, 1, 2, 3, 4, -1, -1);
    }

    @Override
    public int tokenToId(String token) {
        return VOCAB.indexOf(token);
    }

    @Override
    public String idToToken(int id) {
        if (id < 0 || id >= VOCAB.size()) {
            throw new IllegalArgumentException("id " + id + " out of range");
        }
        return VOCAB.get(id);
    }

    @Override
    public Encoding encode(String text) {
        List<Integer> ids = new ArrayList<>();
        for (String word : text.toLowerCase(Locale.ROOT).replaceAll("([.,!?])", " $1 ").trim().split("\\s+")) {
            if (!word.isEmpty()) {
                int id = tokenToId(word);
                ids.add(id >= 0 ? id : 1);
            }
        }
        int n = ids.size();
        boolean[] starts = new boolean[n];
        java.util.Arrays.fill(starts, true);
        return new Encoding(ids.stream().mapToInt(Integer::intValue).toArray(), new int[n], new int[n], starts);
    }

    @Override
    public List<Encoding> encodeBatch(List<String> texts) {
        return texts.stream().map(this::encode).toList();
    }

    @Override
    public Encoding encodeForModel(String text) {
        Encoding e = encode(text);
        int n = e.length() + 2;
        int[] ids = new int[n];
        ids[0] = 2;
        System.arraycopy(e.ids(), 0, ids, 1, e.length());
        ids[n - 1] = 3;
        boolean[] starts = new boolean[n];
        java.util.Arrays.fill(starts, true);
        return new Encoding(ids, new int[n], new int[n], starts);
    }

    @Override
    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            if (!specialTokens().isSpecial(id)) {
                String t = idToToken(id);
                if (t.startsWith("##")) {
                    sb.append(t.substring(2));
                } else {
                    sb.append(sb.length() == 0 ? "" : " ").append(t);
                }
            }
        }
        return sb.toString();
    }

    @Override
    public void save(Path tokenizerJson) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int i = 0; i < 5; i++) {
            ObjectNode t = added.addObject();
            t.put("id", i).put("content", VOCAB.get(i)).put("single_word", false).put("lstrip", false).put("rstrip", false)
                    .put("normalized", false).put("special", true);
        }
        ObjectNode normalizer = root.putObject("normalizer");
        normalizer.put("type", "BertNormalizer").put("clean_text", true).put("handle_chinese_chars", true)
                .put("strip_accents", true).put("lowercase", true);
        root.putObject("pre_tokenizer").put("type", "BertPreTokenizer");
        ObjectNode post = root.putObject("post_processor");
        post.put("type", "TemplateProcessing");
        ArrayNode single = post.putArray("single");
        special(single, "[CLS]", 0);
        sequence(single, "A", 0);
        special(single, "[SEP]", 0);
        ArrayNode pair = post.putArray("pair");
        special(pair, "[CLS]", 0);
        sequence(pair, "A", 0);
        special(pair, "[SEP]", 0);
        sequence(pair, "B", 1);
        special(pair, "[SEP]", 1);
        ObjectNode specials = post.putObject("special_tokens");
        for (String s : List.of("[CLS]", "[SEP]")) {
            ObjectNode e = specials.putObject(s);
            e.put("id", s);
            e.putArray("ids").add(VOCAB.indexOf(s));
            e.putArray("tokens").add(s);
        }
        ObjectNode decoder = root.putObject("decoder");
        decoder.put("type", "WordPiece").put("prefix", "##").put("cleanup", true);
        ObjectNode model = root.putObject("model");
        model.put("type", "WordPiece").put("unk_token", "[UNK]").put("continuing_subword_prefix", "##").put("max_input_chars_per_word", 100);
        ObjectNode vocab = model.putObject("vocab");
        for (int i = 0; i < VOCAB.size(); i++) {
            vocab.put(VOCAB.get(i), i);
        }
        Files.writeString(tokenizerJson, json.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    }

    private static void special(ArrayNode list, String token, int typeId) {
        list.addObject().putObject("SpecialToken").put("id", token).put("type_id", typeId);
    }

    private static void sequence(ArrayNode list, String id, int typeId) {
        list.addObject().putObject("Sequence").put("id", id).put("type_id", typeId);
    }
}

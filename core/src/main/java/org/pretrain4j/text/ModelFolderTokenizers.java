package org.pretrain4j.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The tokenizer of a Hugging Face model folder as transformers' {@code AutoTokenizer} reads it:
 * {@code tokenizer.json} when present; else BERT's {@code vocab.txt} with {@code do_lower_case},
 * {@code strip_accents} and {@code tokenize_chinese_chars} from {@code tokenizer_config.json}; else
 * {@code vocab.json} + {@code merges.txt}, RoBERTa's or GPT-2's by {@code tokenizer_class} (or
 * {@code config.json}'s {@code model_type}), with special tokens from {@code tokenizer_config.json} /
 * {@code special_tokens_map.json}.
 */
final class ModelFolderTokenizers {
    static final List<String> LOOKED_FOR = List.of("tokenizer.json", "vocab.txt", "vocab.json + merges.txt");

    private ModelFolderTokenizers() {}

    static Tokenizer load(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new TokenizerFormatException(folder, "is not a folder (expected a model folder holding one of " + LOOKED_FOR + ")");
        }
        Path tokenizerJson = folder.resolve("tokenizer.json");
        if (Files.isRegularFile(tokenizerJson)) {
            return HuggingFaceJson.read(tokenizerJson);
        }
        JsonNode config = json(folder.resolve("tokenizer_config.json"));
        JsonNode specialMap = json(folder.resolve("special_tokens_map.json"));
        Path vocabTxt = folder.resolve("vocab.txt");
        if (Files.isRegularFile(vocabTxt)) {
            return wordPiece(vocabTxt, config, specialMap);
        }
        Path vocabJson = folder.resolve("vocab.json");
        Path merges = folder.resolve("merges.txt");
        if (Files.isRegularFile(vocabJson) && Files.isRegularFile(merges)) {
            return byteLevelBpe(folder, vocabJson, merges, config, specialMap);
        }
        if (Files.isRegularFile(vocabJson) || Files.isRegularFile(merges)) {
            throw new TokenizerFormatException(folder, "has " + (Files.isRegularFile(vocabJson) ? "vocab.json but no merges.txt" : "merges.txt but no vocab.json")
                    + ": a byte-level BPE tokenizer needs both");
        }
        throw new TokenizerFormatException(folder, "holds no tokenizer: looked for " + String.join(", ", LOOKED_FOR));
    }

    private static JsonNode json(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            JsonNode node = HuggingFaceJson.MAPPER.readTree(file.toFile());
            if (node == null || !node.isObject()) {
                throw new TokenizerFormatException(file, "is not a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ": ";
            throw new TokenizerFormatException(file, "not valid JSON: " + where + e.getOriginalMessage(), e);
        }
    }

    /** A special token as tokenizer_config.json or special_tokens_map.json write it: a string or an AddedToken object. */
    private static JsonNode special(String role, JsonNode config, JsonNode specialMap) {
        for (JsonNode source : new JsonNode[] {config, specialMap}) {
            if (source != null && source.hasNonNull(role)) {
                return source.get(role);
            }
        }
        return null;
    }

    private static String content(JsonNode token, String fallback) {
        if (token == null) {
            return fallback;
        }
        return token.isObject() ? token.path("content").asText(fallback) : token.asText(fallback);
    }

    private static boolean bool(JsonNode config, String field, boolean fallback) {
        return config == null || !config.hasNonNull(field) ? fallback : config.get(field).asBoolean(fallback);
    }

    private static WordPieceTokenizer wordPiece(Path vocabTxt, JsonNode config, JsonNode specialMap) throws IOException {
        List<String> vocab = new ArrayList<>(Arrays.asList(Files.readString(vocabTxt, StandardCharsets.UTF_8).split("\n", -1)));
        while (!vocab.isEmpty() && vocab.get(vocab.size() - 1).isEmpty()) {
            vocab.remove(vocab.size() - 1);
        }
        // transformers strips only the line break; a token may not be blank.
        for (int i = 0; i < vocab.size(); i++) {
            String token = vocab.get(i).endsWith("\r") ? vocab.get(i).substring(0, vocab.get(i).length() - 1) : vocab.get(i);
            if (token.isEmpty()) {
                throw new TokenizerFormatException(vocabTxt, "line " + (i + 1) + " is empty: not a BERT vocab.txt");
            }
            vocab.set(i, token);
        }
        boolean lowercase = bool(config, "do_lower_case", true);
        boolean stripAccents = bool(config, "strip_accents", lowercase);
        boolean chinese = bool(config, "tokenize_chinese_chars", true);
        String unk = content(special("unk_token", config, specialMap), "[UNK]");
        Map<String, Integer> added = new LinkedHashMap<>();
        for (String role : List.of("pad_token", "unk_token", "cls_token", "sep_token", "mask_token")) {
            String token = content(special(role, config, specialMap), WordPieceTokenizer.DEFAULT_SPECIALS.get(
                    List.of("pad_token", "unk_token", "cls_token", "sep_token", "mask_token").indexOf(role)));
            int id = vocab.indexOf(token);
            if (id >= 0) {
                added.put(token, id);
            } else if (role.equals("unk_token")) {
                throw new TokenizerFormatException(vocabTxt, "has no line '" + unk + "' (the unknown token)");
            }
        }
        try {
            return new WordPieceTokenizer(vocab, new BertNormalizer(true, chinese, stripAccents, lowercase), unk, "##", 100, added);
        } catch (IllegalArgumentException e) {
            throw new TokenizerFormatException(vocabTxt, e.getMessage(), e);
        }
    }

    private static ByteLevelBpeTokenizer byteLevelBpe(Path folder, Path vocabJson, Path mergesTxt, JsonNode config, JsonNode specialMap)
            throws IOException {
        JsonNode vocabNode = json(vocabJson);
        if (vocabNode == null) {
            throw new TokenizerFormatException(vocabJson, "is not a JSON object of token to id");
        }
        String[] tokens = new String[vocabNode.size()];
        Iterator<Map.Entry<String, JsonNode>> it = vocabNode.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            int id = e.getValue().canConvertToInt() ? e.getValue().asInt() : -1;
            if (id < 0 || id >= tokens.length || tokens[id] != null) {
                throw new TokenizerFormatException(vocabJson, "id " + e.getValue() + " of '" + e.getKey()
                        + "' is not one of the distinct ids 0.." + (tokens.length - 1));
            }
            tokens[id] = e.getKey();
        }
        List<String> vocab = Arrays.asList(tokens);
        List<String[]> merges = new ArrayList<>();
        List<String> lines = Files.readAllLines(mergesTxt, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if ((i == 0 && line.startsWith("#version")) || line.isBlank()) {
                continue;
            }
            String[] pair = line.split(" ", -1);
            if (pair.length != 2) {
                throw new TokenizerFormatException(mergesTxt, "line " + (i + 1) + " is not two tokens separated by one space: " + line);
            }
            merges.add(pair);
        }
        if (bool(config, "add_prefix_space", false)) {
            throw new TokenizerFormatException(folder.resolve("tokenizer_config.json"), "add_prefix_space true is not supported");
        }
        try {
            if (isRoberta(folder, config, vocab)) {
                JsonNode mask = special("mask_token", config, specialMap);
                boolean lstrip = mask != null && mask.isObject() && mask.path("lstrip").asBoolean(false)
                        || addedTokenLstrip(config, "<mask>");
                return ByteLevelBpeTokenizer.roberta(vocab, merges, lstrip);
            }
            Map<String, Integer> added = new LinkedHashMap<>();
            for (String role : List.of("bos_token", "eos_token", "unk_token", "pad_token")) {
                String token = content(special(role, config, specialMap), ByteLevelBpeTokenizer.END_OF_TEXT);
                int id = vocab.indexOf(token);
                if (id >= 0) {
                    added.put(token, id);
                }
            }
            return new ByteLevelBpeTokenizer(vocab, merges, added);
        } catch (IllegalArgumentException e) {
            throw new TokenizerFormatException(vocabJson, e.getMessage(), e);
        }
    }

    /** transformers (4.34 and later) lists the added tokens with their flags under added_tokens_decoder. */
    private static boolean addedTokenLstrip(JsonNode config, String token) {
        JsonNode decoder = config == null ? null : config.get("added_tokens_decoder");
        if (decoder == null || !decoder.isObject()) {
            return false;
        }
        for (JsonNode t : decoder) {
            if (token.equals(t.path("content").asText()) && t.path("lstrip").asBoolean(false)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isRoberta(Path folder, JsonNode config, List<String> vocab) throws IOException {
        String tokenizerClass = config == null ? "" : config.path("tokenizer_class").asText("");
        if (!tokenizerClass.isEmpty()) {
            String c = tokenizerClass.toLowerCase(Locale.ROOT);
            if (c.startsWith("roberta")) {
                return true;
            }
            if (c.startsWith("gpt2")) {
                return false;
            }
            throw new TokenizerFormatException(folder.resolve("tokenizer_config.json"), "tokenizer_class '" + tokenizerClass
                    + "' is not supported with vocab.json + merges.txt (supported: GPT2Tokenizer, RobertaTokenizer)");
        }
        JsonNode modelConfig = json(folder.resolve("config.json"));
        String modelType = modelConfig == null ? "" : modelConfig.path("model_type").asText("");
        if (!modelType.isEmpty()) {
            return modelType.equals("roberta");
        }
        return vocab.containsAll(Set.of("<s>", "</s>", "<mask>"));
    }
}

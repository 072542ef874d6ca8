package org.pretrain4j.text;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Loading tokenizers from files and writing the Hugging Face files an export needs. */
public final class Tokenizers {
    private Tokenizers() {
    }

    /**
     * Trains a tokenizer of {@code kind} on {@code texts} with the default options: WordPiece
     * lower-cases and strips accents when {@code lowercase} (pairs seen at least twice, full
     * alphabet); byte-level BPE ignores {@code lowercase}.
     */
    public static Tokenizer train(Tokenizer.Kind kind, Iterable<String> texts, int vocabSize, boolean lowercase) {
        requireNonNull(kind, "kind is null");
        if (kind == Tokenizer.Kind.WORDPIECE) {
            return WordPieceTrainer.train(texts, new WordPieceTrainer.Options(vocabSize, lowercase, lowercase, 2, 0));
        }
        return BpeTrainer.train(texts, BpeTrainer.Options.of(vocabSize));
    }

    /**
     * Loads a Hugging Face {@code tokenizer.json}, a BERT {@code vocab.txt}, or a folder holding
     * either (tokenizer.json preferred). A vocab.txt is lower-cased unless it contains an upper-case
     * token (a cased vocabulary); accents are stripped when lower-casing, as BERT does.
     */
    public static Tokenizer load(Path path) throws IOException {
        requireNonNull(path, "path is null");
        Path file = path;
        if (Files.isDirectory(path)) {
            file = path.resolve("tokenizer.json");
            if (!Files.exists(file)) {
                file = path.resolve("vocab.txt");
            }
            if (!Files.exists(file)) {
                throw new NoSuchFileException(path.toString(), null, "folder has neither tokenizer.json nor vocab.txt");
            }
        }
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "tokenizer file not found");
        }
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (name.endsWith(".json")) {
            return HuggingFaceJson.read(file);
        }
        return readVocabTxt(file);
    }

    /**
     * Loads the tokenizer of a Hugging Face model folder as transformers' AutoTokenizer does:
     * {@code tokenizer.json} if present; else {@code vocab.txt} (BERT WordPiece, {@code do_lower_case}
     * from {@code tokenizer_config.json}, default true); else {@code vocab.json} + {@code merges.txt}
     * (RoBERTa's or GPT-2's byte-level BPE, by {@code tokenizer_class} or {@code config.json}'s
     * {@code model_type}), with special tokens from {@code tokenizer_config.json} and
     * {@code special_tokens_map.json}. Fails naming the folder and the files looked for.
     */
    public static Tokenizer loadFromModelFolder(Path folder) throws IOException {
        requireNonNull(folder, "folder is null");
        return ModelFolderTokenizers.load(folder);
    }

    private static WordPieceTokenizer readVocabTxt(Path file) throws IOException {
        String content;
        try {
            content = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            throw new TokenizerFormatException(file, "not UTF-8 text: not a vocab.txt", e);
        }
        if (content.startsWith("{")) {
            throw new TokenizerFormatException(file, "looks like JSON; name it *.json to load it as tokenizer.json");
        }
        List<String> lines = Arrays.asList(content.split("\r?\n", -1));
        if (!lines.contains("[UNK]")) {
            throw new TokenizerFormatException(file, "no [UNK] line: not a BERT vocab.txt");
        }
        boolean cased = false;
        for (String line : lines) {
            if (!line.startsWith("[") && line.codePoints().anyMatch(Character::isUpperCase)) {
                cased = true;
                break;
            }
        }
        try {
            return WordPieceTokenizer.fromVocabularyLines(lines, !cased, !cased);
        } catch (IllegalArgumentException e) {
            throw new TokenizerFormatException(file, e.getMessage(), e);
        }
    }

    /**
     * The {@code tokenizer_config.json} content transformers.js and transformers need beside
     * tokenizer.json: BertTokenizer or GPT2Tokenizer fields, special tokens and the maximum length.
     */
    public static Map<String, Object> tokenizerConfig(Tokenizer tokenizer, int modelMaxLength) {
        requireNonNull(tokenizer, "tokenizer is null");
        if (modelMaxLength < 1) {
            throw new IllegalArgumentException("model max length must be positive: " + modelMaxLength);
        }
        Map<String, Object> c = new LinkedHashMap<>();
        SpecialTokens s = tokenizer.specialTokens();
        if (tokenizer.kind() == Tokenizer.Kind.WORDPIECE) {
            c.put("tokenizer_class", "BertTokenizer");
            boolean lower = !(tokenizer instanceof WordPieceTokenizer) || ((WordPieceTokenizer) tokenizer).lowercase();
            boolean strip = !(tokenizer instanceof WordPieceTokenizer) || ((WordPieceTokenizer) tokenizer).stripAccents();
            c.put("do_lower_case", lower);
            c.put("strip_accents", strip);
            c.put("tokenize_chinese_chars", true);
            putToken(c, "unk_token", tokenizer, s.unk());
            putToken(c, "sep_token", tokenizer, s.sep());
            putToken(c, "pad_token", tokenizer, s.pad());
            putToken(c, "cls_token", tokenizer, s.cls());
            putToken(c, "mask_token", tokenizer, s.mask());
            c.put("clean_up_tokenization_spaces", true);
        } else if (tokenizer instanceof ByteLevelBpeTokenizer bpe && bpe.robertaProcessing()) {
            c.put("tokenizer_class", "RobertaTokenizer");
            putToken(c, "bos_token", tokenizer, s.bos());
            putToken(c, "eos_token", tokenizer, s.eos());
            putToken(c, "sep_token", tokenizer, s.sep());
            putToken(c, "cls_token", tokenizer, s.cls());
            putToken(c, "unk_token", tokenizer, s.unk());
            putToken(c, "pad_token", tokenizer, s.pad());
            putToken(c, "mask_token", tokenizer, s.mask());
            c.put("add_prefix_space", false);
            c.put("trim_offsets", true);
            c.put("clean_up_tokenization_spaces", false);
        } else {
            c.put("tokenizer_class", "GPT2Tokenizer");
            putToken(c, "bos_token", tokenizer, s.bos());
            putToken(c, "eos_token", tokenizer, s.eos());
            putToken(c, "unk_token", tokenizer, s.eos());
            putToken(c, "pad_token", tokenizer, s.pad());
            c.put("add_bos_token", false);
            c.put("add_prefix_space", false);
            c.put("clean_up_tokenization_spaces", false);
        }
        c.put("model_max_length", modelMaxLength);
        return c;
    }

    private static void putToken(Map<String, Object> c, String key, Tokenizer tokenizer, int id) {
        if (id >= 0) {
            c.put(key, tokenizer.idToToken(id));
        }
    }

    /** The {@link #tokenizerConfig} as pretty-printed JSON. */
    public static String tokenizerConfigJson(Tokenizer tokenizer, int modelMaxLength) {
        try {
            return HuggingFaceJson.MAPPER.writeValueAsString(tokenizerConfig(tokenizer, modelMaxLength));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise tokenizer config", e);
        }
    }

    /** Writes {@code tokenizer.json} and {@code tokenizer_config.json} into {@code folder}. */
    public static void saveForExport(Tokenizer tokenizer, Path folder, int modelMaxLength) throws IOException {
        Files.createDirectories(folder);
        tokenizer.save(folder.resolve("tokenizer.json"));
        Files.writeString(folder.resolve("tokenizer_config.json"), tokenizerConfigJson(tokenizer, modelMaxLength));
    }
}

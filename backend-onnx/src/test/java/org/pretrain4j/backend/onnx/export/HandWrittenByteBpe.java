package org.pretrain4j.backend.onnx.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.pretrain4j.text.Encoding;
import org.pretrain4j.text.SpecialTokens;
import org.pretrain4j.text.Tokenizer;

/**
 * A byte-level BPE tokenizer.json written by hand per EXPORT.md: the 256 GPT-2 byte symbols, a few
 * merges and {@code <|endoftext|>}; the stand-in for the text module's trained BPE in the decoder
 * export tests. Java-side encoding maps bytes only (no merges), which the tests do not rely on.
 */
final class HandWrittenByteBpe implements Tokenizer {
    static final String EOT = "<|endoftext|>";
    private static final String[][] MERGES = {{"t", "h"}, {"th", "e"}, {"Ġ", "t"}, {"Ġt", "he"}, {"a", "t"}, {"Ġ", "c"}, {"Ġc", "at"}};
    private final List<String> vocab = new ArrayList<>();

    HandWrittenByteBpe() {
        for (int b = 0; b < 256; b++) {
            vocab.add(byteSymbol(b));
        }
        for (String[] m : MERGES) {
            vocab.add(m[0] + m[1]);
        }
        vocab.add(EOT);
    }

    /** GPT-2's printable stand-in for a byte. */
    static String byteSymbol(int b) {
        boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
        if (printable) {
            return new String(Character.toChars(b));
        }
        int n = 0;
        for (int x = 0; x < b; x++) {
            boolean p = (x >= '!' && x <= '~') || (x >= 0xA1 && x <= 0xAC) || (x >= 0xAE && x <= 0xFF);
            if (!p) {
                n++;
            }
        }
        return new String(Character.toChars(256 + n));
    }

    @Override
    public Kind kind() {
        return Kind.BYTE_LEVEL_BPE;
    }

    @Override
    public int vocabularySize() {
        return vocab.size();
    }

    @Override
    public SpecialTokens specialTokens() {
        int eot = vocab.size() - 1;
        return new SpecialTokens(eot, -1, -1, -1, -1, eot, eot);
    }

    @Override
    public int tokenToId(String token) {
        return vocab.indexOf(token);
    }

    @Override
    public String idToToken(int id) {
        return vocab.get(id);
    }

    @Override
    public Encoding encode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            ids[i] = bytes[i] & 0xFF;
        }
        return new Encoding(ids, new int[ids.length], new int[ids.length], new boolean[ids.length]);
    }

    @Override
    public List<Encoding> encodeBatch(List<String> texts) {
        return texts.stream().map(this::encode).toList();
    }

    @Override
    public Encoding encodeForModel(String text) {
        return encode(text);
    }

    @Override
    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            if (id < vocab.size() - 1) {
                sb.append(vocab.get(id));
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
        root.putArray("added_tokens").addObject().put("id", vocab.size() - 1).put("content", EOT).put("single_word", false)
                .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", true);
        root.putNull("normalizer");
        root.putObject("pre_tokenizer").put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true).put("use_regex", true);
        root.putObject("post_processor").put("type", "ByteLevel").put("add_prefix_space", true).put("trim_offsets", false).put("use_regex", true);
        root.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", true).put("trim_offsets", true).put("use_regex", true);
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE").putNull("dropout").putNull("unk_token").putNull("continuing_subword_prefix").putNull("end_of_word_suffix")
                .put("fuse_unk", false).put("byte_fallback", false).put("ignore_merges", false);
        ObjectNode v = model.putObject("vocab");
        for (int i = 0; i < vocab.size(); i++) {
            v.put(vocab.get(i), i);
        }
        var merges = model.putArray("merges");
        for (String[] m : MERGES) {
            merges.addArray().add(m[0]).add(m[1]);
        }
        Files.writeString(tokenizerJson, json.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    }
}

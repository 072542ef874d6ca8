package org.pretrain4j.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pretrain4j.testkit.Python;

/**
 * Tokenizers of model folders laid out as BERT, RoBERTa and GPT-2 are published (vocab.txt;
 * vocab.json + merges.txt; tokenizer.json as transformers saves it), made at build time by
 * {@code make_tokenizer_folders.py} from vocabularies trained there: our ids equal those of
 * transformers' {@code AutoTokenizer.from_pretrained(folder)}, single texts and pairs, with the
 * model's special tokens. Without python3 and transformers the test fails with the install command.
 */
final class ModelFolderTokenizerTest {
    @TempDir
    static Path folders;

    static JsonNode expected;

    @BeforeAll
    static void makeFolders() throws Exception {
        Python.run("make_tokenizer_folders.py", List.of("transformers", "tokenizers"), folders.toString());
        expected = new ObjectMapper().readTree(folders.resolve("expected.json").toFile());
    }

    @Test
    void everyFolderEncodesAsTransformersDoes() throws IOException {
        List<String> checked = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> it = expected.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> folder = it.next();
            Tokenizer t = Tokenizers.loadFromModelFolder(folders.resolve(folder.getKey()));
            JsonNode want = folder.getValue();
            assertThat(t.vocabularySize()).as("vocabulary size of %s", folder.getKey()).isEqualTo(want.get("vocab_size").asInt());
            for (JsonNode single : want.get("single")) {
                assertThat(t.encodeForModel(single.get("text").asText()).ids()).as("%s: %s", folder.getKey(), single.get("text"))
                        .containsExactly(ints(single.get("ids")));
            }
            for (JsonNode pair : want.get("pairs")) {
                PairEncoding e = t.encodePairForModel(pair.get("a").asText(), pair.get("b").asText());
                assertThat(e.encoding().ids()).as("%s: pair %s", folder.getKey(), pair.get("a")).containsExactly(ints(pair.get("ids")));
                assertThat(e.typeIds()).as("%s: type ids of pair %s", folder.getKey(), pair.get("a"))
                        .containsExactly(ints(pair.get("type_ids")));
            }
            SpecialTokens s = t.specialTokens();
            JsonNode roles = want.get("special");
            assertRole(folder.getKey(), roles, "pad_token", s.pad());
            assertRole(folder.getKey(), roles, "cls_token", s.cls());
            assertRole(folder.getKey(), roles, "sep_token", s.sep());
            assertRole(folder.getKey(), roles, "mask_token", s.mask());
            assertRole(folder.getKey(), roles, "bos_token", s.bos());
            assertRole(folder.getKey(), roles, "eos_token", s.eos());
            checked.add(folder.getKey());
        }
        assertThat(checked).containsExactlyInAnyOrder("bert-uncased", "bert-uncased-saved", "bert-cased", "bert-cased-saved",
                "bert-bare", "bert-bare-saved", "roberta", "roberta-saved", "gpt2", "gpt2-saved", "roberta-lstrip-saved");
    }

    private static void assertRole(String folder, JsonNode roles, String role, int ours) {
        if (roles.has(role)) {
            assertThat(ours).as("%s of %s", role, folder).isEqualTo(roles.get(role).asInt());
        }
    }

    @Test
    void theFolderFormsGiveTheSameKindAndProcessing() throws IOException {
        assertThat(Tokenizers.loadFromModelFolder(folders.resolve("bert-cased"))).isInstanceOfSatisfying(WordPieceTokenizer.class,
                w -> assertThat(w.lowercase()).isFalse());
        assertThat(Tokenizers.loadFromModelFolder(folders.resolve("bert-bare"))).isInstanceOfSatisfying(WordPieceTokenizer.class,
                w -> assertThat(w.lowercase()).isTrue());
        for (String roberta : List.of("roberta", "roberta-saved")) {
            assertThat(Tokenizers.loadFromModelFolder(folders.resolve(roberta))).isInstanceOfSatisfying(ByteLevelBpeTokenizer.class,
                    b -> assertThat(b.robertaProcessing()).isTrue());
        }
        assertThat(Tokenizers.loadFromModelFolder(folders.resolve("gpt2"))).isInstanceOfSatisfying(ByteLevelBpeTokenizer.class,
                b -> assertThat(b.robertaProcessing()).isFalse());
    }

    @Test
    void aRobertaTokenizerSavedByUsLoadsBackTheSame(@TempDir Path dir) throws IOException {
        for (String source : List.of("roberta", "roberta-lstrip-saved")) {
            Tokenizer original = Tokenizers.loadFromModelFolder(folders.resolve(source));
            Path out = dir.resolve(source);
            Tokenizers.saveForExport(original, out, 512);
            Tokenizer again = Tokenizers.loadFromModelFolder(out);
            assertThat(again.specialTokens()).isEqualTo(original.specialTokens());
            for (JsonNode single : expected.get(source).get("single")) {
                assertThat(again.encodeForModel(single.get("text").asText()).ids()).as("%s: %s", source, single.get("text"))
                        .containsExactly(ints(single.get("ids")));
            }
            // The tokenizer.json we wrote runs the same in Hugging Face tokenizers (Rust, through DJL), post-processor included.
            try (ai.djl.huggingface.tokenizers.HuggingFaceTokenizer rust = ai.djl.huggingface.tokenizers.HuggingFaceTokenizer.newInstance(
                    out.resolve("tokenizer.json"), Map.of("truncation", "false", "padding", "false", "maxLength", "100000"))) {
                for (JsonNode single : expected.get(source).get("single")) {
                    long[] ids = rust.encode(single.get("text").asText()).getIds();
                    assertThat(java.util.Arrays.stream(ids).mapToInt(Math::toIntExact).toArray()).as("Rust tokenizers on %s: %s", source,
                            single.get("text")).containsExactly(ints(single.get("ids")));
                }
            }
            JsonNode config = new ObjectMapper().readTree(out.resolve("tokenizer_config.json").toFile());
            assertThat(config.get("tokenizer_class").asText()).isEqualTo("RobertaTokenizer");
            assertThat(config.get("mask_token").asText()).isEqualTo("<mask>");
        }
    }

    @Test
    void aFolderWithoutATokenizerNamesTheFilesLookedFor(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> Tokenizers.loadFromModelFolder(dir)).isInstanceOf(TokenizerFormatException.class)
                .hasMessage(dir + ": holds no tokenizer: looked for tokenizer.json, vocab.txt, vocab.json + merges.txt");
        Files.copy(folders.resolve("gpt2/vocab.json"), dir.resolve("vocab.json"));
        assertThatThrownBy(() -> Tokenizers.loadFromModelFolder(dir)).isInstanceOf(TokenizerFormatException.class)
                .hasMessage(dir + ": has vocab.json but no merges.txt: a byte-level BPE tokenizer needs both");
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\nnot-a-pair\n");
        assertThatThrownBy(() -> Tokenizers.loadFromModelFolder(dir)).isInstanceOf(TokenizerFormatException.class)
                .hasMessageContaining("merges.txt: line 2 is not two tokens separated by one space");
    }

    private static int[] ints(JsonNode array) {
        int[] v = new int[array.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = array.get(i).asInt();
        }
        return v;
    }
}

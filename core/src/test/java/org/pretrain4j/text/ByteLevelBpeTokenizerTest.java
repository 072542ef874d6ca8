package org.pretrain4j.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

final class ByteLevelBpeTokenizerTest {
    /** GPT-2's pattern with Unicode classes: the oracle for our hand-coded splitter. */
    static final Pattern GPT2 = Pattern.compile("'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);

    static List<String> regexSplit(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = GPT2.matcher(text);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    static List<String> ourSplit(String text) {
        List<String> out = new ArrayList<>();
        ByteLevel.split(text, 0, text.length(), (a, b) -> out.add(text.substring(a, b)));
        return out;
    }

    @Test
    void preTokenizerMatchesTheGpt2Pattern() {
        List<String> texts = List.of("Hello world", "It's they're we've I'm he'll she'd", "  two   spaces\t\ttabs\n\nlines  ",
                "x!!! ?? 3.14 1,000 ’quotes’ 'single' '", "émoji 😀👍🏽 ok", "東京 中文", " ", "\n", "a\u00A0b", "end   ", "'s's'S",
                "a1b2 c3", "___init__ --flag");
        for (String text : texts) {
            assertThat(ourSplit(text)).as(text).isEqualTo(regexSplit(text));
        }
        java.util.Random random = new java.util.Random(7);
        String alphabet = "ab 1'!\t\n\u00A0é😀東sdtmlrve";
        for (int i = 0; i < 3000; i++) {
            StringBuilder sb = new StringBuilder();
            int n = random.nextInt(12);
            for (int k = 0; k < n; k++) {
                sb.appendCodePoint(alphabet.codePointAt(alphabet.offsetByCodePoints(0, random.nextInt(alphabet.codePointCount(0, alphabet.length())))));
            }
            String text = sb.toString();
            assertThat(ourSplit(text)).as("'%s'", text).isEqualTo(regexSplit(text));
        }
    }

    static ByteLevelBpeTokenizer tiny() {
        List<String> vocab = new ArrayList<>();
        vocab.add(ByteLevelBpeTokenizer.END_OF_TEXT);
        for (int b = 0; b < 256; b++) {
            vocab.add(String.valueOf(ByteLevel.BYTE_TO_CHAR[b]));
        }
        vocab.add("Ġh");
        vocab.add("Ġhe");
        vocab.add("ll");
        vocab.add("llo");
        vocab.add("Ġhello");
        List<String[]> merges = List.of(new String[] {"Ġ", "h"}, new String[] {"Ġh", "e"}, new String[] {"l", "l"},
                new String[] {"ll", "o"}, new String[] {"Ġhe", "llo"});
        return new ByteLevelBpeTokenizer(vocab, merges, Map.of(ByteLevelBpeTokenizer.END_OF_TEXT, 0));
    }

    @Test
    void mergesApplyByRankAndOffsetsCoverTheBytes() {
        ByteLevelBpeTokenizer t = tiny();
        String text = "say hello 😀";
        Encoding e = t.encode(text);
        List<String> tokens = new ArrayList<>();
        for (int id : e.ids()) {
            tokens.add(t.idToToken(id));
        }
        // "say" has no merges: three byte tokens; " hello" merges fully; the emoji is four byte tokens after "Ġ".
        assertThat(tokens).hasSize(3 + 1 + 1 + 4);
        assertThat(tokens.get(3)).isEqualTo("Ġhello");
        assertThat(text.substring(e.starts()[3], e.ends()[3])).isEqualTo(" hello");
        assertThat(e.wordStarts()).containsExactly(true, false, false, true, true, false, false, false, false);
        for (int k = 5; k < 9; k++) {
            assertThat(text.substring(e.starts()[k], e.ends()[k])).isEqualTo("😀");
        }
        assertThat(t.decode(e.ids())).isEqualTo(text);
        assertThat(t.specialTokens().eos()).isZero();
        assertThat(t.encode("a<|endoftext|>b").ids()).containsExactly(1 + 'a', 0, 1 + 'b');
    }
}

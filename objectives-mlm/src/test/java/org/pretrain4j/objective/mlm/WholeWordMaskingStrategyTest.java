package org.pretrain4j.objective.mlm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.pretrain4j.objective.mlm.MaskingSamples.VOCABULARY;
import static org.pretrain4j.objective.mlm.MaskingSamples.id;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pretrain4j.data.Example;
import org.pretrain4j.data.RandomSource;
import org.pretrain4j.spi.MaskDecision;
import org.pretrain4j.spi.MaskingStrategy;
import org.pretrain4j.spi.MaskingStrategyFactory;
import org.pretrain4j.spi.MaskingVocabulary;
import org.pretrain4j.testkit.FakeTokenizer;
import org.pretrain4j.testkit.MaskingStrategyContract;
import org.pretrain4j.text.Encoding;
import org.pretrain4j.text.SpecialTokens;

final class WholeWordMaskingStrategyTest implements MaskingStrategyContract {
    @Override
    public MaskingStrategyFactory factory() {
        return new WholeWordMaskingStrategyFactory();
    }

    @Test
    void defaults() {
        assertThat(WholeWordMaskingConfig.parse(Map.of())).isEqualTo(new WholeWordMaskingConfig(0.15, null, MaskReplacement.BERT));
    }

    @Test
    void fullExplicitMapping() {
        assertThat(WholeWordMaskingConfig.parse(Map.of("rate", "0.25", "max-predictions", "30", "mask", "1", "random", "0", "keep", "0")))
                .isEqualTo(new WholeWordMaskingConfig(0.25, 30, new MaskReplacement(1, 0, 0)));
    }

    /** [CLS] the zebra ate bread [SEP] a kiwi sang [SEP]: zebra is z ##e ##b ##r ##a, kiwi is k ##i ##w ##i. */
    static Example goldenExample() {
        Encoding a = MaskingSamples.TOKENIZER.encode("the zebra ate bread");
        Encoding b = MaskingSamples.TOKENIZER.encode("a kiwi sang");
        int[] tokens = new int[a.length() + b.length() + 3];
        boolean[] starts = new boolean[tokens.length];
        boolean[] special = new boolean[tokens.length];
        tokens[0] = 2;
        System.arraycopy(a.ids(), 0, tokens, 1, a.length());
        System.arraycopy(a.wordStarts(), 0, starts, 1, a.length());
        tokens[a.length() + 1] = 3;
        System.arraycopy(b.ids(), 0, tokens, a.length() + 2, b.length());
        System.arraycopy(b.wordStarts(), 0, starts, a.length() + 2, b.length());
        tokens[tokens.length - 1] = 3;
        for (int i : new int[] {0, a.length() + 1, tokens.length - 1}) {
            special[i] = true;
            starts[i] = true;
        }
        return new Example(0, tokens, new int[tokens.length], special, starts, -1);
    }

    @Test
    void golden() {
        Example e = goldenExample();
        // positions: 0 [CLS] | 1 the | 2-6 z ##e ##b ##r ##a | 7 ate | 8 bread | 9 [SEP] | 10 a | 11-14 k ##i ##w ##i | 15 sang | 16 [SEP]
        assertThat(e.tokens()).containsExactly(2, id("the"), id("z"), id("##e"), id("##b"), id("##r"), id("##a"), id("ate"),
                id("bread"), 3, id("a"), id("k"), id("##i"), id("##w"), id("##i"), id("sang"), 3);
        // Words w0..w6 = the, zebra, ate, bread, a, kiwi, sang; 14 candidates; budget rint(14 x 0.3 = 4.2) = 4.
        RandomSource replay = RandomSource.of(2024, 0, 2);
        assertThat(replay.nextInt(0, 7)).isEqualTo(4); // order [4 1 2 3 0 5 6]: w4 "a" (1 token), covered 1
        assertThat(replay.nextInt(1, 7)).isEqualTo(2); // order [4 2 1 3 0 5 6]: w2 "ate", covered 2
        assertThat(replay.nextInt(2, 7)).isEqualTo(5); // order [4 2 5 3 0 1 6]: w5 "kiwi" has 4 tokens, 2 + 4 > 4: skipped
        assertThat(replay.nextInt(3, 7)).isEqualTo(3); // order unchanged: w3 "bread", covered 3
        assertThat(replay.nextInt(4, 7)).isEqualTo(4); // order unchanged: w0 "the", covered 4 = budget, stop
        // Replacements in position order 1, 7, 8, 10 with mask 0.5 / random 0.3 / keep 0.2:
        assertThat(replay.nextDouble()).isCloseTo(0.8373, within(1e-4)); // 1 "the": kept
        assertThat(replay.nextDouble()).isCloseTo(0.9833, within(1e-4)); // 7 "ate": kept
        assertThat(replay.nextDouble()).isCloseTo(0.6019, within(1e-4)); // 8 "bread": random...
        assertThat(replay.nextInt(92)).isEqualTo(46); // ...ordinary id 46 = id 51, the letter "g"
        assertThat(replay.nextDouble()).isCloseTo(0.2120, within(1e-4)); // 10 "a": [MASK]

        MaskDecision d = factory().create(Map.of("rate", "0.3", "mask", "0.5", "random", "0.3", "keep", "0.2"))
                .choose(e.tokens(), e.special(), e.wordStarts(), VOCABULARY, RandomSource.of(2024, 0, 2));
        assertThat(d.positions()).containsExactly(1, 7, 8, 10);
        assertThat(d.replacements()).containsExactly(id("the"), id("ate"), id("g"), 4);
    }

    @Test
    void chosenWordsAreAlwaysWholeAndFillTheBudgetWhenTheyCan() {
        MaskingStrategy s = factory().create(Map.of());
        long candidates = 0;
        long budgets = 0;
        long chosen = 0;
        long tokens = 0;
        for (Example e : MaskingSamples.largeCorpus()) {
            MaskDecision d = s.choose(e.tokens(), e.special(), e.wordStarts(), VOCABULARY, RandomSource.of(5, 0, e.index()));
            boolean[] picked = new boolean[e.length()];
            for (int p : d.positions()) {
                picked[p] = true;
            }
            int c = 0;
            for (int i = 0; i < e.length(); i++) {
                c += e.special()[i] ? 0 : 1;
                // A continuation piece is chosen exactly when the token before it is (special tokens aside).
                if (i > 0 && !e.special()[i] && !e.wordStarts()[i] && !e.special()[i - 1]) {
                    assertThat(picked[i]).as("piece %d of a word in %s", i, e).isEqualTo(picked[i - 1]);
                }
            }
            int budget = Math.max(1, (int) Math.rint(c * 0.15));
            assertThat(d.size()).isLessThanOrEqualTo(budget);
            candidates += c;
            budgets += budget;
            chosen += d.size();
            tokens += e.length();
        }
        assertThat(tokens).isGreaterThanOrEqualTo(100_000);
        // Words that would overshoot are skipped, so a budget is sometimes missed by a token or two, never exceeded.
        assertThat((double) chosen / budgets).isBetween(0.97, 1.0);
        assertThat((double) chosen / candidates).isCloseTo(0.15, within(0.01));
    }

    @Test
    void byteLevelWordBoundariesWork() {
        FakeTokenizer bpe = FakeTokenizer.bytePairStyle();
        // The fake BPE vocabulary has no mask token; give it one past the end, as RoBERTa adds <mask>.
        int mask = bpe.vocabularySize();
        MaskingVocabulary v = new MaskingVocabulary(mask + 1, mask, new SpecialTokens(0, -1, -1, -1, mask, 0, 0));
        Encoding enc = bpe.encode("zebra quilt jewel oxen kiwi vex");
        assertThat(enc.length()).isEqualTo(26); // letters only: 5 + 5 + 5 + 4 + 4 + 3
        MaskingStrategy s = factory().create(Map.of("rate", "0.2"));
        for (int key = 0; key < 200; key++) {
            MaskDecision d = s.choose(enc.ids(), new boolean[enc.length()], enc.wordStarts(), v, RandomSource.of(1, 0, key));
            boolean[] picked = new boolean[enc.length()];
            for (int p : d.positions()) {
                picked[p] = true;
            }
            for (int i = 1; i < enc.length(); i++) {
                if (!enc.wordStarts()[i]) {
                    assertThat(picked[i]).isEqualTo(picked[i - 1]);
                }
            }
            // Budget rint(26 x 0.2) = 5, filled by the first word visited: a five-letter word (5), oxen or kiwi (4, nothing else fits), or vex (3).
            assertThat(d.size()).isIn(3, 4, 5);
        }
    }

    @Test
    void wordsAreRunsOfCandidatesCutAtSpecialTokens() {
        Example e = goldenExample();
        boolean[] c = MaskingLaw.candidates(e.tokens(), e.special(), VOCABULARY);
        List<int[]> words = MaskingLaw.words(c, e.wordStarts());
        assertThat(words).extracting(w -> w[0] + "-" + w[1])
                .containsExactly("1-2", "2-7", "7-8", "8-9", "10-11", "11-15", "15-16");
    }
}

package org.pretrain4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.pretrain4j.data.Example;
import org.pretrain4j.data.RandomSource;
import org.pretrain4j.spi.MaskDecision;
import org.pretrain4j.spi.MaskingStrategy;
import org.pretrain4j.spi.MaskingStrategyFactory;
import org.pretrain4j.spi.MaskingVocabulary;
import org.pretrain4j.spi.PluginException;
import org.pretrain4j.spi.PropertySpec;

/**
 * The conformance kit for masking strategies: implement it in the strategy's test class. A strategy
 * that passes works in the app: it is configured strictly, never chooses a special token or padding,
 * replaces only with valid ids (a random replacement is never special), is reproducible from its
 * random source and leaves its arguments alone.
 */
public interface MaskingStrategyContract {
    /** The factory under test. */
    MaskingStrategyFactory factory();

    /** The properties the kit creates the strategy with (defaults: none). */
    default Map<String, String> properties() {
        return Map.of();
    }

    /** A value that property {@code key} must reject, or null if it takes any value. */
    default String badValue(String key) {
        return "?bad?";
    }

    private MaskingStrategy strategy() {
        return factory().create(properties());
    }

    private static MaskingVocabulary vocabulary() {
        FakeTokenizer t = FakeTokenizer.wordPiece();
        return new MaskingVocabulary(t.vocabularySize(), t.specialTokens().mask(), t.specialTokens());
    }

    /** Packed blocks and sentence pairs from a generated corpus, about 20,000 tokens. */
    private static List<Example> corpus() {
        FakeTokenizer t = FakeTokenizer.wordPiece();
        List<List<String>> docs = FakeCorpus.documents(200, 42);
        List<Example> out = new ArrayList<>(FakeExamples.packed(t, docs, 48));
        out.addAll(FakeExamples.pairs(t, docs, 40, 42, 200));
        return out;
    }

    @Test
    default void factoryDescribesItself() {
        MaskingStrategyFactory f = factory();
        assertThat(f.name()).matches("[a-z][a-z0-9-]*");
        assertThat(f.description()).isNotBlank();
        List<String> keys = f.properties().stream().map(PropertySpec::key).toList();
        assertThat(keys).doesNotHaveDuplicates();
    }

    @Test
    default void acceptsEveryListedPropertyAtItsDefault() {
        assertThat(factory().create(Map.of())).isNotNull();
        for (PropertySpec p : factory().properties()) {
            if (p.defaultValue() != null) {
                assertThat(factory().create(Map.of(p.key(), p.defaultValue()))).as(p.key()).isNotNull();
            }
        }
    }

    @Test
    default void rejectsAnUnknownPropertyByName() {
        assertThatThrownBy(() -> factory().create(Map.of("no-such-property", "1")))
                .isInstanceOf(PluginException.class)
                .hasMessageContaining("no-such-property");
    }

    @Test
    default void rejectsABadValueNamingKeyAndValue() {
        for (PropertySpec p : factory().properties()) {
            String bad = badValue(p.key());
            if (bad != null) {
                assertThatThrownBy(() -> factory().create(Map.of(p.key(), bad)))
                        .as(p.key())
                        .isInstanceOf(PluginException.class)
                        .hasMessageContaining(p.key())
                        .hasMessageContaining(bad);
            }
        }
    }

    @Test
    default void choosesOnlyOrdinaryTokensAndReplacesThemWithValidIds() {
        MaskingStrategy s = strategy();
        MaskingVocabulary v = vocabulary();
        long chosen = 0;
        for (Example e : corpus()) {
            MaskDecision d = s.choose(e.tokens(), e.special(), e.wordStarts(), v, RandomSource.of(3, 0, e.index()));
            for (int k = 0; k < d.size(); k++) {
                int p = d.positions()[k];
                int r = d.replacements()[k];
                assertThat(p).as("position in %s", e).isBetween(0, e.length() - 1);
                assertThat(e.special()[p]).as("special position %d chosen in %s", p, e).isFalse();
                assertThat(v.specialTokens().isSpecial(e.tokens()[p])).as("special id at %d chosen in %s", p, e).isFalse();
                assertThat(r).isBetween(0, v.size() - 1);
                if (r != v.maskId() && r != e.tokens()[p]) {
                    assertThat(v.specialTokens().isSpecial(r)).as("random replacement %d is special", r).isFalse();
                }
            }
            chosen += d.size();
        }
        assertThat(chosen).as("positions chosen over the corpus").isPositive();
    }

    @Test
    default void neverChoosesPaddingOrAnyIdTheVocabularyCallsSpecial() {
        MaskingStrategy s = strategy();
        MaskingVocabulary v = vocabulary();
        // Padding, [UNK] and a stray [MASK] inside the text, none flagged by the layout: the ids alone must keep them out.
        int[] tokens = {2, 10, 0, 11, 1, 12, 4, 13, 3, 0, 0, 0};
        boolean[] special = new boolean[tokens.length];
        boolean[] wordStarts = new boolean[tokens.length];
        Arrays.fill(wordStarts, true);
        for (int key = 0; key < 300; key++) {
            MaskDecision d = s.choose(tokens, special, wordStarts, v, RandomSource.of(5, 0, key));
            for (int p : d.positions()) {
                assertThat(tokens[p]).as("chosen position %d", p).isIn(10, 11, 12, 13);
            }
        }
    }

    @Test
    default void sameRandomKeyGivesTheSameDecisionAndOtherKeysDiffer() {
        MaskingStrategy s = strategy();
        MaskingVocabulary v = vocabulary();
        Set<String> distinct = new HashSet<>();
        Example e = corpus().get(3);
        for (int key = 0; key < 20; key++) {
            MaskDecision a = s.choose(e.tokens(), e.special(), e.wordStarts(), v, RandomSource.of(9, 1, key));
            MaskDecision b = factory().create(properties()).choose(e.tokens(), e.special(), e.wordStarts(), v, RandomSource.of(9, 1, key));
            assertThat(b.positions()).isEqualTo(a.positions());
            assertThat(b.replacements()).isEqualTo(a.replacements());
            distinct.add(Arrays.toString(a.positions()) + Arrays.toString(a.replacements()));
        }
        assertThat(distinct).as("decisions for 20 keys").hasSizeGreaterThan(1);
    }

    @Test
    default void leavesItsArgumentsAlone() {
        MaskingStrategy s = strategy();
        MaskingVocabulary v = vocabulary();
        for (Example e : corpus().subList(0, 50)) {
            int[] tokens = e.tokens().clone();
            boolean[] special = e.special().clone();
            boolean[] wordStarts = e.wordStarts().clone();
            s.choose(tokens, special, wordStarts, v, RandomSource.of(1, 0, e.index()));
            assertThat(tokens).isEqualTo(e.tokens());
            assertThat(special).isEqualTo(e.special());
            assertThat(wordStarts).isEqualTo(e.wordStarts());
        }
    }

    @Test
    default void chooseNothingWhenThereIsNothingToChoose() {
        MaskingStrategy s = strategy();
        MaskingVocabulary v = vocabulary();
        assertThat(s.choose(new int[0], new boolean[0], new boolean[0], v, RandomSource.of(1, 0, 0)).size()).isZero();
        int[] onlySpecial = {2, 3, 0, 0};
        boolean[] flags = {true, true, false, false};
        assertThat(s.choose(onlySpecial, flags, new boolean[4], v, RandomSource.of(1, 0, 0)).size()).isZero();
    }

    @Test
    default void worksWithoutWordBoundaries() {
        MaskingStrategy s = strategy();
        MaskingVocabulary v = vocabulary();
        for (Example e : corpus().subList(0, 50)) {
            for (boolean value : new boolean[] {false, true}) {
                boolean[] starts = new boolean[e.length()];
                Arrays.fill(starts, value);
                MaskDecision d = s.choose(e.tokens(), e.special(), starts, v, RandomSource.of(2, 0, e.index()));
                for (int p : d.positions()) {
                    assertThat(e.special()[p]).isFalse();
                }
            }
        }
    }
}

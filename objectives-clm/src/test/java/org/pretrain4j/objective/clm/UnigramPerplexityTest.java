package org.pretrain4j.objective.clm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pretrain4j.data.Example;
import org.pretrain4j.data.ExampleFeatures;
import org.pretrain4j.data.RandomSource;
import org.pretrain4j.testkit.FakeTokenizer;

final class UnigramPerplexityTest {
    private static Example block(int... tokens) {
        return new Example(0, tokens, new int[tokens.length], new boolean[tokens.length], new boolean[tokens.length], -1);
    }

    @Test
    void countsTheSameTargetsAsClmAndComputesTheEntropyByHand() {
        // Targets of [7 1 1 2 1] are 1 1 2 1 (the first token is never a target): p(1) = 3/4, p(2) = 1/4.
        UnigramPerplexity u = new UnigramPerplexity(10);
        Example e = block(7, 1, 1, 2, 1);
        u.add(e);
        assertThat(u.targets()).isEqualTo(4);
        double h = -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25));
        assertThat(u.entropy()).isCloseTo(h, within(1e-12));
        assertThat(u.perplexity()).isCloseTo(Math.exp(h), within(1e-12));

        ExampleFeatures f = new ExampleFeatures(e);
        new ClmObjectiveFactory().create(Map.of(), null).prepare(f, FakeTokenizer.bytePairStyle(), RandomSource.of(1, 0, 0));
        assertThat(f.array(ClmObjective.LABELS)).containsExactly(1, 1, 2, 1, -100);
    }

    @Test
    void aUniformSplitHasThePerplexityOfItsSupport() {
        UnigramPerplexity u = new UnigramPerplexity(5);
        u.add(block(0, 1, 2, 3, 4));
        assertThat(u.perplexity()).isCloseTo(4, within(1e-12));
        assertThat(new UnigramPerplexity(3).entropy()).isNaN();
    }
}

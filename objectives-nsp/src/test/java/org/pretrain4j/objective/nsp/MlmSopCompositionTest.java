package org.pretrain4j.objective.nsp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pretrain4j.data.Example;
import org.pretrain4j.data.ExampleFeatures;
import org.pretrain4j.data.ExampleLayout;
import org.pretrain4j.data.RandomSource;
import org.pretrain4j.objective.mlm.MlmObjectiveFactory;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.spi.ObjectiveFactory;
import org.pretrain4j.testkit.FakeCorpus;
import org.pretrain4j.testkit.FakeExamples;
import org.pretrain4j.testkit.ObjectiveContract;
import org.pretrain4j.testkit.ServiceLoaderPlugins;

/** ALBERT pre-training, mlm+sop, passes the objective kit as one objective. */
final class MlmSopCompositionTest implements ObjectiveContract {
    @Override
    public ObjectiveFactory factory() {
        return new ComposedFactory(new MlmObjectiveFactory(), new SopObjectiveFactory());
    }

    @Override
    public String objectiveName() {
        return "mlm+sop";
    }

    @Test
    void mlmMasksTheSwappedLayoutNeverItsSeparators() {
        Objective o = factory().create(Map.of("mlm.strategy.rate", "0.5"), new ServiceLoaderPlugins());
        assertThat(o.layout()).contains(ExampleLayout.CONSECUTIVE_PAIRS);
        List<Example> pairs = FakeExamples.pairs(NspObjectiveTest.TOKENIZER, FakeCorpus.documents(50, 4), 40, 4, 400);
        int swapped = 0;
        for (Example e : pairs) {
            ExampleFeatures f = new ExampleFeatures(e);
            o.prepare(f, NspObjectiveTest.TOKENIZER, RandomSource.of(2, 0, e.index()));
            Example laidOut = f.example();
            swapped += laidOut != e ? 1 : 0;
            int[] positions = f.array("masked_positions");
            int[] labels = f.array("masked_labels");
            for (int k = 0; k < positions.length; k++) {
                assertThat(laidOut.special()[positions[k]]).as("masked a separator of %s", laidOut).isFalse();
                assertThat(labels[k]).as("label of %d", positions[k]).isEqualTo(laidOut.tokens()[positions[k]]);
            }
            boolean[] masked = new boolean[e.length()];
            for (int p : positions) {
                masked[p] = true;
            }
            for (int i = 0; i < e.length(); i++) {
                if (!masked[i]) {
                    assertThat(f.inputIds()[i]).as("unmasked id %d", i).isEqualTo(laidOut.tokens()[i]);
                }
            }
        }
        assertThat(swapped).as("pairs swapped by sop").isBetween(60, 140);
    }
}

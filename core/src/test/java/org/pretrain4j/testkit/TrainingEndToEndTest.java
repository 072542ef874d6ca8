package org.pretrain4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pretrain4j.graph.AdamW;
import org.pretrain4j.graph.Autodiff;
import org.pretrain4j.graph.DType;
import org.pretrain4j.graph.Executable;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.graph.Program;
import org.pretrain4j.graph.Shape;
import org.pretrain4j.graph.Tensor;

/** Graph, gradients and AdamW together: one graph per step, trained on the reference backend. */
final class TrainingEndToEndTest {
    @Test
    void aTinyTransformerMemorisesAFixedBatch() {
        TinyNetwork net = new TinyNetwork(false, 0.1);
        List<Tensor> params = net.parameters();
        Tensor lr = net.g.input("learning_rate", DType.FLOAT32, Shape.scalar());
        Tensor step = net.g.input("step", DType.FLOAT32, Shape.scalar());
        AdamW.Result adam = AdamW.apply(net.g, params, Autodiff.gradients(net.loss, params), AdamW.Config.bert(), lr, step);
        Program program = new Program("train", net.g, Map.of("loss", net.loss, "gradient_norm", adam.gradientNorm()), adam.updates(), 5);
        try (Executable exec = new ReferenceBackend().compile(program)) {
            float first = 0;
            float last = 0;
            for (int i = 1; i <= 40; i++) {
                Map<String, HostTensor> feed = new HashMap<>(TinyNetwork.batch());
                feed.put("seed", HostTensor.scalar((long) i));
                feed.put("learning_rate", HostTensor.scalar(0.02f));
                feed.put("step", HostTensor.scalar((float) i));
                Map<String, HostTensor> out = exec.run(feed);
                last = out.get("loss").floatValue();
                if (i == 1) {
                    first = last;
                    // Before any update the model is near uniform over the vocabulary.
                    assertThat((double) first).isCloseTo(Math.log(TinyNetwork.VOCAB), org.assertj.core.api.Assertions.within(0.3));
                }
                assertThat(out.get("gradient_norm").floatValue()).isPositive().isFinite();
            }
            assertThat(last).as("loss %s after one step, %s after 40", first, last).isLessThan(first / 2);
        }
    }
}

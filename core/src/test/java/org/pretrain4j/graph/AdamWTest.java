package org.pretrain4j.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pretrain4j.testkit.ReferenceBackend;

/** AdamW steps on the reference backend against values worked out here from the published formulas. */
final class AdamWTest {
    /** A graph whose loss is {@code sum(w * x) + sum(b * c)}: the gradients are exactly the inputs x and c. */
    private static final class Setup {
        final Graph g = new Graph();
        final Tensor w = g.weight("w", Shape.fixed(2), Init.zeros());
        final Tensor b = g.bias("b", Shape.fixed(1), Init.zeros());
        final Tensor x = g.input("x", DType.FLOAT32, Shape.fixed(2));
        final Tensor c = g.input("c", DType.FLOAT32, Shape.fixed(1));
        final Tensor lr = g.input("lr", DType.FLOAT32, Shape.scalar());
        final Tensor step = g.input("step", DType.FLOAT32, Shape.scalar());
        final Executable exec;

        Setup(AdamW.Config config) {
            Tensor loss = g.add(g.sumAll(g.mul(w, x)), g.sumAll(g.mul(b, c)));
            List<Tensor> params = List.of(w, b);
            AdamW.Result r = AdamW.apply(g, params, Autodiff.gradients(loss, params), config, lr, step);
            exec = new ReferenceBackend().compile(new Program("train", g, Map.of("loss", loss, "norm", r.gradientNorm()), r.updates(), 1));
            exec.loadState(Map.of("w", floats(0.5f, -1.0f), "b", floats(0.3f)));
        }

        Map<String, HostTensor> run(double learningRate, int stepNumber, float[] gw, float gb) {
            return exec.run(Map.of("x", floats(gw), "c", floats(gb), "lr", HostTensor.scalar((float) learningRate),
                    "step", HostTensor.scalar((float) stepNumber)));
        }

        float[] state(String name) {
            return exec.readState().get(name).floats();
        }
    }

    private static HostTensor floats(float... v) {
        return HostTensor.ofFloats(new long[] {v.length}, v);
    }

    /** Plain AdamW for one scalar parameter, in float64: returns {p, m, v}. */
    private static double[] reference(double p, double m, double v, double grad, double lr, int t, double wd, AdamW.Config c) {
        m = c.beta1() * m + (1 - c.beta1()) * grad;
        v = c.beta2() * v + (1 - c.beta2()) * grad * grad;
        double mhat = m / (1 - Math.pow(c.beta1(), t));
        double vhat = v / (1 - Math.pow(c.beta2(), t));
        p = p - lr * (mhat / (Math.sqrt(vhat) + c.epsilon()) + wd * p);
        return new double[] {p, m, v};
    }

    @Test
    void oneAndTwoStepsWithDecoupledDecay() {
        AdamW.Config config = new AdamW.Config(0.9, 0.999, 1e-6, 0.1, 0);
        Setup s = new Setup(config);
        s.run(0.1, 1, new float[] {2, -3}, 0.5f);
        // Step 1: mhat = g and vhat = g^2, so the Adam part is g / (|g| + eps), close to sign(g).
        assertThat(s.state("w")[0]).isCloseTo((float) (0.5 - 0.1 * (2 / (2 + 1e-6) + 0.1 * 0.5)), within(1e-6f));
        assertThat(s.state("w")[1]).isCloseTo((float) (-1.0 - 0.1 * (-3 / (3 + 1e-6) + 0.1 * -1.0)), within(1e-6f));
        assertThat(s.state("adam_m/w")).containsExactly(new float[] {0.2f, -0.3f}, within(1e-7f));
        assertThat(s.state("adam_v/w")).containsExactly(new float[] {0.004f, 0.009f}, within(1e-9f));

        double[] w0 = reference(0.5, 0, 0, 2, 0.1, 1, 0.1, config);
        double[] w1 = reference(-1.0, 0, 0, -3, 0.1, 1, 0.1, config);
        double[] b = reference(0.3, 0, 0, 0.5, 0.1, 1, 0, config);
        w0 = reference(w0[0], w0[1], w0[2], -1, 0.05, 2, 0.1, config);
        w1 = reference(w1[0], w1[1], w1[2], 4, 0.05, 2, 0.1, config);
        b = reference(b[0], b[1], b[2], 0.25, 0.05, 2, 0, config);
        Map<String, HostTensor> out = s.run(0.05, 2, new float[] {-1, 4}, 0.25f);
        assertThat(out.get("norm").floatValue()).isCloseTo((float) Math.sqrt(1 + 16 + 0.0625), within(1e-6f));
        assertThat(s.state("w")).containsExactly(new float[] {(float) w0[0], (float) w1[0]}, within(2e-6f));
        assertThat(s.state("b")[0]).isCloseTo((float) b[0], within(2e-6f));
        assertThat(s.state("adam_v/w")[1]).isCloseTo((float) w1[2], within(1e-8f));
    }

    @Test
    void noDecayOnVariablesDeclaredWithoutIt() {
        Setup s = new Setup(new AdamW.Config(0.9, 0.999, 1e-6, 0.5, 0));
        s.run(0.1, 1, new float[] {1, 1}, 0.5f);
        // b is a bias: pure Adam, no 0.5 * 0.3 decay term.
        assertThat(s.state("b")[0]).isCloseTo((float) (0.3 - 0.1 * 0.5 / (0.5 + 1e-6)), within(1e-6f));
        assertThat(s.state("w")[0]).isCloseTo((float) (0.5 - 0.1 * (1 / (1 + 1e-6) + 0.5 * 0.5)), within(1e-6f));
    }

    @Test
    void clippingScalesTheGradientByTheGlobalNorm() {
        Setup s = new Setup(new AdamW.Config(0.9, 0.999, 1e-6, 0, 1.0));
        // Global norm of (3, 4, 0) is 5: every gradient is scaled by 1/5.
        Map<String, HostTensor> out = s.run(0.1, 1, new float[] {3, 4}, 0f);
        assertThat(out.get("norm").floatValue()).isCloseTo(5f, within(1e-6f));
        assertThat(s.state("adam_m/w")).containsExactly(new float[] {0.06f, 0.08f}, within(1e-7f));
        assertThat(s.state("adam_v/w")).containsExactly(new float[] {0.00036f, 0.00064f}, within(1e-9f));
        // Below the threshold nothing changes: norm 0.5, m = 0.9 m + 0.1 g.
        s.run(0.1, 2, new float[] {0.3f, 0.4f}, 0f);
        assertThat(s.state("adam_m/w")).containsExactly(new float[] {0.9f * 0.06f + 0.03f, 0.9f * 0.08f + 0.04f}, within(1e-7f));
    }

    @Test
    void createsMomentVariablesAndUpdatesForEveryParameter() {
        Graph g = new Graph();
        Tensor w = g.weight("layer/weight", Shape.fixed(3, 2), Init.normal(0.02));
        Tensor loss = g.sumAll(g.mul(w, w));
        AdamW.Result r = AdamW.apply(g, List.of(w), Autodiff.gradients(loss, List.of(w)), AdamW.Config.bert(),
                g.input("lr", DType.FLOAT32, Shape.scalar()), g.input("step", DType.FLOAT32, Shape.scalar()));
        List<String> names = new ArrayList<>();
        for (StateUpdate u : r.updates()) {
            names.add(u.variable().name());
        }
        assertThat(names).containsExactlyInAnyOrder("layer/weight", "adam_m/layer/weight", "adam_v/layer/weight");
        Op.Variable m = (Op.Variable) g.named("adam_m/layer/weight").op();
        assertThat(m.trainable()).isFalse();
        assertThat(m.weightDecay()).isFalse();
        assertThat(m.init()).isEqualTo(Init.zeros());
        assertThat(AdamW.Config.bert()).isEqualTo(new AdamW.Config(0.9, 0.999, 1e-6, 0.01, 1.0));
    }

    @Test
    void rejectsNonVariablesAndMismatchedLists() {
        Graph g = new Graph();
        Tensor x = g.input("x", DType.FLOAT32, Shape.fixed(2));
        Tensor lr = g.scalar(0.1);
        assertThatThrownBy(() -> AdamW.apply(g, List.of(x), List.of(x), AdamW.Config.bert(), lr, lr))
                .isInstanceOf(GraphException.class).hasMessageContaining("not a Variable");
        Tensor w = g.weight("w", Shape.fixed(2), Init.zeros());
        assertThatThrownBy(() -> AdamW.apply(g, List.of(w), List.of(), AdamW.Config.bert(), lr, lr))
                .isInstanceOf(GraphException.class).hasMessageContaining("1 parameters but 0 gradients");
        assertThatThrownBy(() -> new AdamW.Config(1.0, 0.999, 1e-6, 0, 0)).hasMessageContaining("beta1");
    }
}

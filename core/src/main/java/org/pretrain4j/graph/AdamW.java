package org.pretrain4j.graph;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * AdamW (Loshchilov and Hutter) appended to a graph: global-norm gradient clipping, bias-corrected
 * moments and decoupled weight decay that skips variables declared without weight decay (biases,
 * LayerNorm). One call gives the state updates of one optimizer step, so a training step is one graph.
 */
public final class AdamW {
    private AdamW() {}

    /**
     * Hyper-parameters. {@code clipNorm <= 0} disables clipping.
     *
     * @param beta1 decay of the first moment, in [0, 1)
     * @param beta2 decay of the second moment, in [0, 1)
     * @param epsilon added to the root of the second moment, &gt; 0
     * @param weightDecay decoupled decay rate, &gt;= 0
     * @param clipNorm the largest global gradient norm, or &lt;= 0 for none
     */
    public record Config(double beta1, double beta2, double epsilon, double weightDecay, double clipNorm) {
        public Config {
            if (!(beta1 >= 0 && beta1 < 1)) {
                throw new IllegalArgumentException("beta1 must be in [0, 1), got " + beta1);
            }
            if (!(beta2 >= 0 && beta2 < 1)) {
                throw new IllegalArgumentException("beta2 must be in [0, 1), got " + beta2);
            }
            if (!(epsilon > 0)) {
                throw new IllegalArgumentException("epsilon must be > 0, got " + epsilon);
            }
            if (!(weightDecay >= 0)) {
                throw new IllegalArgumentException("weightDecay must be >= 0, got " + weightDecay);
            }
            if (Double.isNaN(clipNorm)) {
                throw new IllegalArgumentException("clipNorm is NaN");
            }
        }

        /** The settings of google-research/bert: betas 0.9 and 0.999, epsilon 1e-6, decay 0.01, clipping at 1.0. */
        public static Config bert() {
            return new Config(0.9, 0.999, 1e-6, 0.01, 1.0);
        }
    }

    /** The state updates of every parameter and both of its moments, and the global gradient norm before clipping. */
    public record Result(List<StateUpdate> updates, Tensor gradientNorm) {
        public Result {
            updates = List.copyOf(updates);
            requireNonNull(gradientNorm, "gradientNorm is null");
        }
    }

    /**
     * Appends one AdamW step. {@code learningRate} and {@code step} are FLOAT32 scalars; {@code step}
     * counts updates from 1 and drives the bias correction. Creates the moment variables
     * {@code adam_m/<name>} and {@code adam_v/<name>} (zeros, not trainable, no decay).
     */
    public static Result apply(Graph g, List<Tensor> parameters, List<Tensor> gradients, Config config,
                               Tensor learningRate, Tensor step) {
        requireNonNull(g, "g is null");
        requireNonNull(parameters, "parameters is null");
        requireNonNull(gradients, "gradients is null");
        requireNonNull(config, "config is null");
        requireFloatScalar("learningRate", learningRate);
        requireFloatScalar("step", step);
        if (parameters.size() != gradients.size()) {
            throw new GraphException("AdamW: " + parameters.size() + " parameters but " + gradients.size() + " gradients");
        }
        if (parameters.isEmpty()) {
            throw new GraphException("AdamW: no parameters");
        }
        for (int i = 0; i < parameters.size(); i++) {
            Tensor p = parameters.get(i);
            Tensor grad = gradients.get(i);
            if (!(p.op() instanceof Op.Variable)) {
                throw new GraphException("AdamW: parameter " + p + " is not a Variable");
            }
            if (grad.dtype() != DType.FLOAT32 || grad.rank() != p.rank()
                    || !Graph.broadcast("AdamW", p.shape(), grad.shape()).equals(p.shape())) {
                throw new GraphException("AdamW: gradient of '" + p.name() + "' has shape " + grad.shape()
                        + ", the parameter " + p.shape());
            }
        }

        Tensor squares = null;
        for (Tensor grad : gradients) {
            Tensor s = g.sumAll(g.mul(grad, grad));
            squares = squares == null ? s : g.add(squares, s);
        }
        Tensor norm = g.sqrt(squares);

        // Clipping and the (1 - beta) factors fold into two scalars per step, not one op per element.
        Tensor mScale = g.scalar(1 - config.beta1());
        Tensor vScale = g.scalar(1 - config.beta2());
        if (config.clipNorm() > 0) {
            Tensor clip = g.scalar(config.clipNorm());
            Tensor clipScale = g.div(clip, g.max(norm, clip));
            mScale = g.mul(mScale, clipScale);
            vScale = g.mul(vScale, g.mul(clipScale, clipScale));
        }
        // Bias correction: 1 - beta^step, with beta^step = exp(step * ln beta).
        Tensor correction1 = g.sub(g.scalar(1), g.exp(g.mul(step, g.scalar(Math.log(config.beta1())))));
        Tensor correction2 = g.sub(g.scalar(1), g.exp(g.mul(step, g.scalar(Math.log(config.beta2())))));
        // mhat / (sqrt(vhat) + eps) = (m / c1) / (sqrt(v) / sqrt(c2) + eps)
        Tensor stepSize = g.div(learningRate, correction1);
        Tensor invRootCorrection2 = g.div(g.scalar(1), g.sqrt(correction2));
        Tensor decay = g.mul(learningRate, g.scalar(config.weightDecay()));

        List<StateUpdate> updates = new ArrayList<>();
        for (int i = 0; i < parameters.size(); i++) {
            Tensor p = parameters.get(i);
            Tensor grad = gradients.get(i);
            Op.Variable v = (Op.Variable) p.op();
            Tensor m = g.variable("adam_m/" + v.name(), p.shape(), Init.zeros(), false, false);
            Tensor s = g.variable("adam_v/" + v.name(), p.shape(), Init.zeros(), false, false);
            Tensor mNext = g.add(g.mul(m, g.scalar(config.beta1())), g.mul(grad, mScale));
            Tensor sNext = g.add(g.mul(s, g.scalar(config.beta2())), g.mul(g.mul(grad, grad), vScale));
            Tensor denominator = g.add(g.mul(g.sqrt(sNext), invRootCorrection2), g.scalar(config.epsilon()));
            Tensor delta = g.mul(g.div(mNext, denominator), stepSize);
            if (v.weightDecay() && config.weightDecay() != 0) {
                delta = g.add(delta, g.mul(p, decay));
            }
            updates.add(new StateUpdate(p, g.sub(p, delta)));
            updates.add(new StateUpdate(m, mNext));
            updates.add(new StateUpdate(s, sNext));
        }
        return new Result(updates, norm);
    }

    private static void requireFloatScalar(String what, Tensor t) {
        requireNonNull(t, what + " is null");
        if (t.dtype() != DType.FLOAT32 || t.rank() != 0) {
            throw new GraphException("AdamW: " + what + " must be a FLOAT32 scalar, got " + t.dtype() + t.shape());
        }
    }
}

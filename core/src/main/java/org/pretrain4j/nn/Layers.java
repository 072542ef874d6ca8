package org.pretrain4j.nn;

import org.pretrain4j.graph.DType;
import org.pretrain4j.graph.Graph;
import org.pretrain4j.graph.Init;
import org.pretrain4j.graph.Shape;
import org.pretrain4j.graph.Tensor;

/** Building blocks shared by the model and the objectives' heads. */
public final class Layers {
    /** The label value that cross-entropy ignores, as in PyTorch and Hugging Face. */
    public static final long IGNORE_INDEX = -100;

    private Layers() {}

    /** {@code x @ W + b} with W {@code [in, out]} named {@code name/weight} (normal init) and b {@code name/bias} (zeros). */
    public static Tensor dense(Graph g, String name, Tensor x, int out, double initStd) {
        long in = x.shape().dim(-1).fixedSize();
        Tensor w = g.weight(name + "/weight", Shape.fixed(in, out), Init.normal(initStd));
        Tensor b = g.bias(name + "/bias", Shape.fixed(out), Init.zeros());
        return g.add(g.matmul(x, w), b);
    }

    /** LayerNorm over the last axis with parameters {@code name/gamma} (ones) and {@code name/beta} (zeros). */
    public static Tensor layerNorm(Graph g, String name, Tensor x, double epsilon) {
        long h = x.shape().dim(-1).fixedSize();
        Tensor gamma = g.bias(name + "/gamma", Shape.fixed(h), Init.ones());
        Tensor beta = g.bias(name + "/beta", Shape.fixed(h), Init.zeros());
        return g.layerNorm(x, gamma, beta, epsilon);
    }

    /**
     * Softmax cross-entropy of {@code logits [..., V]} against {@code labels [...]} INT64, ignoring
     * {@link #IGNORE_INDEX}: the summed loss, the number of counted labels and the number predicted
     * right by argmax, all FLOAT32 scalars.
     */
    public static CrossEntropy crossEntropy(Graph g, Tensor logits, Tensor labels) {
        Tensor logp = g.logSoftmax(logits, -1);
        Tensor valid = g.not(g.equal(labels, g.scalarLong(IGNORE_INDEX)));
        Tensor safeLabels = g.where(valid, labels, g.scalarLong(0));
        Tensor picked = g.takeAlongLastAxis(logp, safeLabels);
        Tensor validF = g.cast(valid, DType.FLOAT32);
        Tensor sum = g.sumAll(g.mul(g.neg(picked), validF));
        Tensor count = g.sumAll(validF);
        Tensor hits = g.cast(g.and(g.equal(g.argMax(logits, -1, false), labels), valid), DType.FLOAT32);
        return new CrossEntropy(sum, count, g.sumAll(hits));
    }

    /** Result of {@link #crossEntropy}. */
    public record CrossEntropy(Tensor lossSum, Tensor count, Tensor correct) {}
}

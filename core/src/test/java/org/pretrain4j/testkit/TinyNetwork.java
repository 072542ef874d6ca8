package org.pretrain4j.testkit;

import java.util.List;
import java.util.Map;
import org.pretrain4j.graph.DType;
import org.pretrain4j.graph.Graph;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.graph.Init;
import org.pretrain4j.graph.Op;
import org.pretrain4j.graph.Shape;
import org.pretrain4j.graph.Tensor;
import org.pretrain4j.nn.Layers;

/**
 * A one-block transformer (about 2k parameters) built with the graph ops the way a model would be:
 * token and position embeddings, two-head attention with a padding mask and an optional causal
 * mask, GELU feed-forward, post-LayerNorm, dropout, an output projection tied to the embedding,
 * and cross-entropy over gathered positions. Symbolic batch and sequence dims throughout.
 * A test fixture for autodiff, the gradient checker and the optimizer, not the project's model.
 */
final class TinyNetwork {
    static final int VOCAB = 11;
    static final int HIDDEN = 12;
    static final int HEADS = 2;
    static final int FFN = 48;

    final Graph g = new Graph();
    final Tensor ids = g.input("ids", DType.INT64, Shape.of("batch", "seq"));
    final Tensor mask = g.input("mask", DType.INT64, Shape.of("batch", "seq"));
    final Tensor positions = g.input("positions", DType.INT64, Shape.of("predictions"));
    final Tensor labels = g.input("labels", DType.INT64, Shape.of("predictions"));
    final Tensor seed = g.input("seed", DType.INT64, Shape.scalar());
    final Tensor loss;

    TinyNetwork(boolean causal, double dropout) {
        Tensor embedding = g.weight("embedding", Shape.fixed(VOCAB, HIDDEN), Init.normal(0.02));
        Tensor positionTable = g.weight("position", Shape.fixed(8, HIDDEN), Init.normal(0.02));
        Tensor x = g.add(g.gather(embedding, ids, 0), g.gather(positionTable, g.arange(ids, 1), 0));
        x = Layers.layerNorm(g, "embed_ln", g.dropout(x, seed, dropout, 1), 1e-12);

        int headSize = HIDDEN / HEADS;
        Tensor q = heads(Layers.dense(g, "q", x, HIDDEN, 0.02), headSize);
        Tensor k = heads(Layers.dense(g, "k", x, HIDDEN, 0.02), headSize);
        Tensor v = heads(Layers.dense(g, "v", x, HIDDEN, 0.02), headSize);
        Tensor scores = g.mul(g.matmul(q, g.transposeLastTwo(k)), g.scalar(1 / Math.sqrt(headSize)));
        // Padding: [batch, 1, 1, seq] additive mask.
        Tensor keep = g.cast(g.unsqueeze(mask, 1, 2), DType.FLOAT32);
        scores = g.add(scores, g.mul(g.sub(g.scalar(1), keep), g.scalar(-10000)));
        if (causal) {
            Tensor pos = g.arange(ids, 1);
            Tensor allowed = g.greaterOrEqual(g.unsqueeze(pos, 1), g.unsqueeze(pos, 0));
            scores = g.where(allowed, scores, g.scalar(-10000));
        }
        Tensor probs = g.dropout(g.softmax(scores, -1), seed, dropout, 2);
        Tensor context = g.reshape(g.transpose(g.matmul(probs, v), 0, 2, 1, 3), 0, 0, HIDDEN);
        Tensor attended = Layers.dense(g, "o", context, HIDDEN, 0.02);
        x = Layers.layerNorm(g, "attn_ln", g.add(x, g.dropout(attended, seed, dropout, 3)), 1e-12);
        Tensor ffn = Layers.dense(g, "ffn_out", g.gelu(Layers.dense(g, "ffn_in", x, FFN, 0.02)), HIDDEN, 0.02);
        x = Layers.layerNorm(g, "ffn_ln", g.add(x, ffn), 1e-12);

        // Gather the predicted positions from the flattened [batch*seq, hidden] rows, then the tied projection.
        Tensor rows = g.gather(g.reshape(x, -1, HIDDEN), positions, 0);
        Tensor outputBias = g.bias("output_bias", Shape.fixed(VOCAB), Init.zeros());
        Tensor logits = g.add(g.matmul(rows, g.transpose(embedding, 1, 0)), outputBias);
        Layers.CrossEntropy ce = Layers.crossEntropy(g, logits, labels);
        loss = g.div(ce.lossSum(), g.max(ce.count(), g.scalar(1)));
    }

    private Tensor heads(Tensor x, int headSize) {
        return g.transpose(g.reshape(x, 0, 0, HEADS, headSize), 0, 2, 1, 3);
    }

    List<Tensor> parameters() {
        return g.nodes().stream().filter(t -> t.op() instanceof Op.Variable v && v.trainable()).toList();
    }

    /** A fixed batch of two sequences of five, the second padded after three tokens. */
    static Map<String, HostTensor> batch() {
        return Map.of(
                "ids", HostTensor.ofLongs(new long[] {2, 5}, new long[] {1, 4, 7, 2, 9, 3, 8, 5, 0, 0}),
                "mask", HostTensor.ofLongs(new long[] {2, 5}, new long[] {1, 1, 1, 1, 1, 1, 1, 1, 0, 0}),
                "positions", HostTensor.ofLongs(new long[] {4}, new long[] {1, 3, 6, 7}),
                "labels", HostTensor.ofLongs(new long[] {4}, new long[] {4, 2, 8, Layers.IGNORE_INDEX}),
                "seed", HostTensor.scalar(17L));
    }
}

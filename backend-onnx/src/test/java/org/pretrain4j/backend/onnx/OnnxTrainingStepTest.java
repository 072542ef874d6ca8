package org.pretrain4j.backend.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.pretrain4j.graph.AdamW;
import org.pretrain4j.graph.Autodiff;
import org.pretrain4j.graph.DType;
import org.pretrain4j.graph.Executable;
import org.pretrain4j.graph.Graph;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.graph.Init;
import org.pretrain4j.graph.Op;
import org.pretrain4j.graph.Program;
import org.pretrain4j.graph.Shape;
import org.pretrain4j.graph.Tensor;
import org.pretrain4j.nn.Layers;
import org.pretrain4j.testkit.ReferenceBackend;

/**
 * A whole training step (embedding, attention-like softmax, LayerNorm, GELU, dropout,
 * cross-entropy, autodiff and AdamW) on ONNX Runtime against the float64 reference backend.
 */
final class OnnxTrainingStepTest {

    private static Program step() {
        Graph g = new Graph();
        int vocab = 11;
        int hidden = 8;
        Tensor ids = g.input("input_ids", DType.INT64, Shape.of("batch_size", "sequence_length"));
        Tensor labels = g.input("labels", DType.INT64, Shape.of("batch_size", "sequence_length"));
        Tensor seed = g.input("dropout_seed", DType.INT64, Shape.scalar());
        Tensor lr = g.input("learning_rate", DType.FLOAT32, Shape.scalar());
        Tensor stepNo = g.input("step", DType.FLOAT32, Shape.scalar());
        Tensor emb = g.weight("emb", Shape.fixed(vocab, hidden), Init.normal(0.3));
        Tensor pos = g.weight("pos", Shape.fixed(16, hidden), Init.normal(0.3));
        Tensor x = g.add(g.gather(emb, ids, 0), g.gather(pos, g.arange(ids, 1), 0));
        Tensor scores = g.mul(g.matmul(x, g.transposeLastTwo(x)), 1 / Math.sqrt(hidden));
        Tensor attended = g.matmul(g.softmax(scores, -1), x);
        Tensor h = Layers.layerNorm(g, "ln", g.add(x, attended), 1e-5);
        h = g.dropout(g.gelu(Layers.dense(g, "ffn", h, hidden, 0.3)), seed, 0.2, 7);
        Tensor flat = g.reshape(h, -1, hidden);
        Tensor logits = g.add(g.matmul(flat, g.transpose(emb, 1, 0)), g.bias("out_bias", Shape.fixed(vocab), Init.zeros()));
        Layers.CrossEntropy ce = Layers.crossEntropy(g, logits, g.reshape(labels, -1));
        Tensor loss = g.div(ce.lossSum(), g.max(ce.count(), g.scalar(1)));
        List<Tensor> params = new ArrayList<>();
        for (Tensor t : g.nodes()) {
            if (t.op() instanceof Op.Variable v && v.trainable()) {
                params.add(t);
            }
        }
        List<Tensor> grads = Autodiff.gradients(loss, params);
        AdamW.Result adam = AdamW.apply(g, params, grads, AdamW.Config.bert(), lr, stepNo);
        Map<String, Tensor> outputs = new LinkedHashMap<>();
        outputs.put("loss_sum", ce.lossSum());
        outputs.put("count", ce.count());
        outputs.put("correct", ce.correct());
        outputs.put("gradient_norm", adam.gradientNorm());
        return new Program("step", g, outputs, adam.updates(), 99);
    }

    private static Map<String, HostTensor> batch(int step) {
        Random r = new Random(step);
        long[] ids = new long[2 * 5];
        long[] labels = new long[2 * 5];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = r.nextInt(11);
            labels[i] = i % 3 == 0 ? Layers.IGNORE_INDEX : r.nextInt(11);
        }
        return Map.of("input_ids", HostTensor.ofLongs(new long[] {2, 5}, ids), "labels", HostTensor.ofLongs(new long[] {2, 5}, labels),
                "dropout_seed", HostTensor.scalar(1000L + step), "learning_rate", HostTensor.scalar(0.01f),
                "step", HostTensor.scalar((float) step));
    }

    @Test
    void stepsMatchTheReferenceBackend() {
        Program program = step();
        try (OnnxBackend onnx = new OnnxBackend(OnnxConfig.parse(Map.of("threads", "1")));
             Executable actual = onnx.compile(program);
             ReferenceBackend reference = new ReferenceBackend();
             Executable expected = reference.compile(program)) {
            for (int step = 1; step <= 3; step++) {
                Map<String, HostTensor> a = actual.run(batch(step));
                Map<String, HostTensor> e = expected.run(batch(step));
                for (String name : e.keySet()) {
                    float want = e.get(name).floatValue();
                    assertThat(a.get(name).floatValue()).as("%s at step %d", name, step)
                            .isCloseTo(want, org.assertj.core.api.Assertions.within(1e-4f * Math.max(1, Math.abs(want))));
                }
            }
            Map<String, HostTensor> sa = actual.readState();
            Map<String, HostTensor> se = expected.readState();
            assertThat(sa.keySet()).isEqualTo(se.keySet());
            for (String name : se.keySet()) {
                float[] x = sa.get(name).floats();
                float[] y = se.get(name).floats();
                for (int i = 0; i < y.length; i++) {
                    assertThat(x[i]).as("%s[%d]", name, i).isCloseTo(y[i], org.assertj.core.api.Assertions.within(2e-4f * Math.max(1, Math.abs(y[i]))));
                }
            }
        }
    }
}

package org.pretrain4j.backend.onnx.export;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pretrain4j.graph.DType;
import org.pretrain4j.graph.Graph;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.graph.Init;
import org.pretrain4j.graph.Initializer;
import org.pretrain4j.graph.Op;
import org.pretrain4j.graph.Program;
import org.pretrain4j.graph.Shape;
import org.pretrain4j.graph.Tensor;
import org.pretrain4j.nn.TransformerConfig;
import org.pretrain4j.spi.AttentionKind;

/**
 * A one-layer stand-in for the BERT encoder with the export names (embeddings, a masked mean over
 * the sequence so the attention mask matters, tied output projection, tanh pooler), for tests of
 * the export writer that do not need the real transformer.
 */
record ToyEncoder(TransformerConfig config, Program model, Program encoder, Map<String, HostTensor> state) {

    static ToyEncoder create(int vocab, int hidden, long seed) {
        TransformerConfig config = new TransformerConfig(1, hidden, 1, hidden * 2, vocab, 64, 2, AttentionKind.BIDIRECTIONAL,
                0, 0, 1e-12, 0.5);
        Graph g = new Graph();
        Tensor ids = g.input("input_ids", DType.INT64, Shape.of("batch_size", "sequence_length"));
        Tensor mask = g.input("attention_mask", DType.INT64, Shape.of("batch_size", "sequence_length"));
        Tensor types = g.input("token_type_ids", DType.INT64, Shape.of("batch_size", "sequence_length"));
        Tensor tokenEmb = g.weight("embeddings/token", Shape.fixed(vocab, hidden), Init.normal(0.5));
        Tensor typeEmb = g.weight("embeddings/type", Shape.fixed(2, hidden), Init.normal(0.5));
        Tensor posEmb = g.weight("embeddings/position", Shape.fixed(64, hidden), Init.normal(0.5));
        Tensor x = g.add(g.add(g.gather(tokenEmb, ids, 0), g.gather(typeEmb, types, 0)), g.gather(posEmb, g.arange(ids, 1), 0));
        Tensor gamma = g.bias("ln/gamma", Shape.fixed(hidden), Init.ones());
        Tensor beta = g.bias("ln/beta", Shape.fixed(hidden), Init.zeros());
        Tensor maskF = g.unsqueeze(g.cast(mask, DType.FLOAT32), -1);
        Tensor h = g.mul(g.tanh(g.layerNorm(x, gamma, beta, 1e-12)), maskF);
        Tensor context = g.div(g.reduceSum(h, true, 1), g.reduceSum(maskF, true, 1));
        Tensor hidden2 = g.gelu(g.add(h, context));
        Tensor outBias = g.bias("head/bias", Shape.fixed(vocab), Init.zeros());
        Tensor logits = g.add(g.matmul(hidden2, g.transpose(tokenEmb, 1, 0)), outBias);
        Tensor first = g.squeeze(g.slice(hidden2, 1, 0, 1), 1);
        Tensor poolW = g.weight("pooler/weight", Shape.fixed(hidden, hidden), Init.normal(0.5));
        Tensor poolB = g.bias("pooler/bias", Shape.fixed(hidden), Init.zeros());
        Tensor pooled = g.tanh(g.add(g.matmul(first, poolW), poolB));
        Program model = new Program("model", g, Map.of("logits", logits), List.of(), seed);
        Map<String, Tensor> enc = new LinkedHashMap<>();
        enc.put("output_0", hidden2);
        enc.put("output_1", pooled);
        Program encoder = new Program("encoder", g, enc, List.of(), seed);
        Map<String, HostTensor> state = new LinkedHashMap<>();
        for (Tensor t : g.nodes()) {
            if (t.op() instanceof Op.Variable v) {
                state.put(v.name(), HostTensor.ofFloats(t.shape().fixedSizes(),
                        Initializer.initialValues(v.init(), t.shape(), v.name(), seed)));
            }
        }
        return new ToyEncoder(config, model, encoder, state);
    }
}

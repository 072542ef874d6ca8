package org.pretrain4j.backend.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pretrain4j.graph.Autodiff;
import org.pretrain4j.graph.DType;
import org.pretrain4j.graph.Graph;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.graph.Init;
import org.pretrain4j.graph.Op;
import org.pretrain4j.graph.Program;
import org.pretrain4j.graph.Shape;
import org.pretrain4j.graph.Tensor;

/**
 * The shape of what the lowering emits for the training step's cheaper forms (values are the
 * backend kit's job): one Gemm per dense layer and one LayerNormalization per LayerNorm in training
 * graphs, one Split per split, and exports that stay MatMul + Add.
 */
final class OnnxLoweringTest {
    private static Map<String, Integer> opCounts(OnnxMl.ModelProto model) {
        Map<String, Integer> counts = new HashMap<>();
        for (OnnxMl.NodeProto n : model.getGraph().getNodeList()) {
            counts.merge(n.getOpType(), 1, Integer::sum);
        }
        return counts;
    }

    private static Program dense(Graph g, boolean withBackward) {
        Tensor x = g.input("x", DType.FLOAT32, Shape.of("batch", "seq", 4));
        Tensor w = g.weight("w", Shape.fixed(4, 6), Init.normal(0.1));
        Tensor b = g.bias("b", Shape.fixed(6), Init.zeros());
        Tensor gamma = g.bias("gamma", Shape.fixed(6), Init.ones());
        Tensor beta = g.bias("beta", Shape.fixed(6), Init.zeros());
        List<Tensor> parts = g.split(g.layerNorm(g.add(g.matmul(x, w), b), gamma, beta, 1e-5), -1, 2, 4);
        Tensor loss = g.sumAll(g.mul(parts.get(0), parts.get(0)));
        Map<String, Tensor> outputs = new HashMap<>(Map.of("loss", loss, "rest", parts.get(1)));
        if (withBackward) {
            List<Tensor> grads = Autodiff.gradients(loss, List.of(x, w, b, gamma, beta));
            outputs.put("dx", grads.get(0));
            outputs.put("dw", grads.get(1));
            outputs.put("dgamma", grads.get(3));
        }
        return new Program("dense", g, outputs, List.of(), 1);
    }

    @Test
    void trainingGraphsRunDenseLayersAsGemmAndShareLayerNormStatistics() {
        OnnxMl.ModelProto model = OnnxLowering.lower(dense(new Graph(), true), OnnxLowering.Options.training("t")).model();
        Map<String, Integer> ops = opCounts(model);
        // The dense layer's forward (with its bias) and its weight gradient x^T dy, which reads x through transA.
        List<OnnxMl.NodeProto> gemms = model.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Gemm")).toList();
        assertThat(gemms).hasSize(2);
        assertThat(gemms.get(0).getInputCount()).isEqualTo(3);
        assertThat(gemms.get(1).getAttributeList()).anySatisfy(a -> {
            assertThat(a.getName()).isEqualTo("transA");
            assertThat(a.getI()).isEqualTo(1L);
        });
        // The one Transpose left is W^T of dx = dy W^T, which ONNX Runtime folds into a FusedMatMul.
        assertThat(ops.get("Transpose")).isEqualTo(1);
        // Training graphs compose LayerNorm (ONNX Runtime 1.29's kernel is several times slower), and
        // the backward reads the forward's values: one mean of x, one centring, one normalised x.
        assertThat(ops).doesNotContainKey("LayerNormalization");
        List<OnnxMl.NodeProto> nodes = model.getGraph().getNodeList();
        // x: the input of the forward's first mean (the LayerNorm's input).
        String x = nodes.stream().filter(n -> n.getOpType().equals("ReduceMean")).findFirst().orElseThrow().getInput(0);
        assertThat(nodes.stream().filter(n -> n.getOpType().equals("ReduceMean") && n.getInput(0).equals(x))).hasSize(1);
        List<OnnxMl.NodeProto> centring = nodes.stream().filter(n -> n.getOpType().equals("Sub") && n.getInput(0).equals(x)).toList();
        assertThat(centring).hasSize(1);
        String centred = centring.get(0).getOutput(0);
        assertThat(nodes.stream().filter(n -> n.getOpType().equals("Mul") && n.getInputList().contains(centred)
                && !n.getInput(0).equals(n.getInput(1)))).hasSize(1);
        assertThat(ops.get("Split")).isEqualTo(1);
        // The loss's own sum only: the gradients' sums over rows (LayerNorm gamma) are MatMuls with ones.
        assertThat(ops.get("ReduceSum")).isEqualTo(1);
    }

    @Test
    void exportsKeepMatMulAndAdd() {
        Graph g = new Graph();
        Program program = dense(g, false);
        Map<String, HostTensor> values = new HashMap<>();
        for (Tensor v : program.variables()) {
            values.put(((Op.Variable) v.op()).name(), HostTensor.ofFloats(v.shape().fixedSizes(), new float[(int) v.shape().elementCount()]));
        }
        OnnxMl.ModelProto model = OnnxLowering.lower(program, new OnnxLowering.Options(values, false, Map.of(), Map.of(), "e")).model();
        Map<String, Integer> ops = opCounts(model);
        assertThat(ops).containsKeys("MatMul", "Add", "LayerNormalization").doesNotContainKey("Gemm");
        assertThat(model.getGraph().getNodeList()).allSatisfy(n -> assertThat(n.getDomain()).isEmpty());
    }
}

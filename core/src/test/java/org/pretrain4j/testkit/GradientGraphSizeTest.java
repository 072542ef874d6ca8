package org.pretrain4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.pretrain4j.graph.Autodiff;
import org.pretrain4j.graph.Op;
import org.pretrain4j.graph.Program;
import org.pretrain4j.graph.Tensor;

/**
 * The backward pass stays small, because every node becomes an ONNX Runtime kernel launch: a
 * budget on gradient nodes per forward node, and forward values reused rather than recomputed.
 */
final class GradientGraphSizeTest {
    private static String kind(Tensor t) {
        if (t.op() instanceof Op.Unary u) {
            return u.fn().toString();
        }
        if (t.op() instanceof Op.Binary b) {
            return b.fn().toString();
        }
        return t.op().getClass().getSimpleName();
    }

    @Test
    void backwardOfATinyTransformerIsAtMostTwiceTheForward() {
        TinyNetwork net = new TinyNetwork(true, 0.1);
        int forward = new Program("forward", net.g, Map.of("loss", net.loss), List.of(), 0).nodes().size();
        List<Tensor> params = net.parameters();
        List<Tensor> grads = Autodiff.gradients(net.loss, params);
        Map<String, Tensor> outputs = new HashMap<>();
        for (int i = 0; i < grads.size(); i++) {
            outputs.put("grad" + i, grads.get(i));
        }
        List<Tensor> all = new Program("backward", net.g, outputs, List.of(), 0).nodes();
        List<Tensor> backward = all.stream().filter(t -> t.id() > net.loss.id()).toList();
        Map<String, Long> kinds = backward.stream().collect(Collectors.groupingBy(GradientGraphSizeTest::kind, Collectors.counting()));
        // Measured: 98 forward nodes (leaves included), 175 backward nodes.
        assertThat((long) backward.size()).as("%d forward nodes, backward: %s", forward, kinds).isLessThanOrEqualTo(2L * forward);
        // The softmax gradient reuses the forward softmax output rather than recomputing it.
        assertThat(all.stream().filter(t -> t.op() instanceof Op.Softmax).count()).isEqualTo(1);
    }
}

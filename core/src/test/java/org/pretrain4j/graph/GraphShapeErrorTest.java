package org.pretrain4j.graph;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Shape mistakes fail when the graph is built, with a message naming the op and both shapes. */
final class GraphShapeErrorTest {
    private final Graph g = new Graph();

    private Tensor f(Object... dims) {
        return g.input("x" + g.nodes().size(), DType.FLOAT32, Shape.of(dims));
    }

    @Test
    void elementwiseBroadcast() {
        assertThatThrownBy(() -> g.add(f(2, 3), f(4)))
                .isInstanceOf(GraphException.class).hasMessageContaining("ADD").hasMessageContaining("[2, 3]").hasMessageContaining("[4]");
        assertThatThrownBy(() -> g.where(g.greater(f(2), f(2)), f(3), f(2)))
                .isInstanceOf(GraphException.class).hasMessageContaining("Where").hasMessageContaining("[3]");
    }

    @Test
    void matmul() {
        assertThatThrownBy(() -> g.matmul(f("batch", 3, 4), f(5, 6)))
                .isInstanceOf(GraphException.class).hasMessageContaining("MatMul")
                .hasMessageContaining("[batch, 3, 4]").hasMessageContaining("[5, 6]");
        assertThatThrownBy(() -> g.matmul(f(2, 3, 4), f(5, 4, 6)))
                .isInstanceOf(GraphException.class).hasMessageContaining("MatMul")
                .hasMessageContaining("[2, 3, 4]").hasMessageContaining("[5, 4, 6]");
    }

    @Test
    void layoutOps() {
        assertThatThrownBy(() -> g.reshape(f(2, 3), 4))
                .isInstanceOf(GraphException.class).hasMessageContaining("Reshape").hasMessageContaining("[2, 3]");
        assertThatThrownBy(() -> g.concat(1, f(2, 3), f(3, 3)))
                .isInstanceOf(GraphException.class).hasMessageContaining("Concat").hasMessageContaining("[2, 3]").hasMessageContaining("[3, 3]");
        assertThatThrownBy(() -> g.transpose(f(2, 3), 0))
                .isInstanceOf(GraphException.class).hasMessageContaining("Transpose").hasMessageContaining("[2, 3]");
        assertThatThrownBy(() -> g.squeeze(f(2, 3), 1))
                .isInstanceOf(GraphException.class).hasMessageContaining("Squeeze").hasMessageContaining("[2, 3]");
        assertThatThrownBy(() -> g.slice(f(2, 3), 2, 0, 1))
                .isInstanceOf(GraphException.class).hasMessageContaining("Slice").hasMessageContaining("[2, 3]");
        assertThatThrownBy(() -> g.expand(f(2, 3), f(4, 3)))
                .isInstanceOf(GraphException.class).hasMessageContaining("Expand").hasMessageContaining("[2, 3]").hasMessageContaining("[4, 3]");
        assertThatThrownBy(() -> g.reshapeLike(f(2, 3), f(4, 2)))
                .isInstanceOf(GraphException.class).hasMessageContaining("ReshapeLike").hasMessageContaining("[2, 3]").hasMessageContaining("[4, 2]");
    }

    @Test
    void normalisationAndIndexing() {
        assertThatThrownBy(() -> g.layerNorm(f(2, 8), f(4), f(8), 1e-5))
                .isInstanceOf(GraphException.class).hasMessageContaining("LayerNorm").hasMessageContaining("[4]").hasMessageContaining("[2, 8]");
        assertThatThrownBy(() -> g.softmax(f(2, 3), 2))
                .isInstanceOf(GraphException.class).hasMessageContaining("Softmax").hasMessageContaining("[2, 3]");
        assertThatThrownBy(() -> g.reduceSum(f(2, 3), false, -3))
                .isInstanceOf(GraphException.class).hasMessageContaining("ReduceSUM").hasMessageContaining("[2, 3]");
        Tensor ids = g.input("ids", DType.INT64, Shape.of("batch", 4));
        assertThatThrownBy(() -> g.scatterAddRows(f(10, 8), ids, f("batch", 4, 7)))
                .isInstanceOf(GraphException.class).hasMessageContaining("ScatterAddRows")
                .hasMessageContaining("[batch, 4, 7]").hasMessageContaining("[batch, 4, 8]");
        Tensor rowIds = g.input("rowIds", DType.INT64, Shape.of(2, 5));
        assertThatThrownBy(() -> g.takeAlongLastAxis(f(2, 3, 9), rowIds))
                .isInstanceOf(GraphException.class).hasMessageContaining("TakeAlongLastAxis")
                .hasMessageContaining("[2, 5]").hasMessageContaining("[2, 3]");
        assertThatThrownBy(() -> g.gather(f(10, 8), f(3), 0))
                .isInstanceOf(GraphException.class).hasMessageContaining("Gather").hasMessageContaining("INT64");
    }

    @Test
    void stateUpdatesKeepTheVariableShape() {
        Tensor w = g.weight("w", Shape.fixed(2, 3), Init.zeros());
        assertThatThrownBy(() -> new StateUpdate(w, f(3, 2)))
                .isInstanceOf(GraphException.class).hasMessageContaining("'w'").hasMessageContaining("[2, 3]").hasMessageContaining("[3, 2]");
    }
}

package org.pretrain4j.backend.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pretrain4j.graph.Dim;

/** How the host sizes a dropout mask from the batch's dims. */
final class HostMaskTest {
    private static final Map<String, Long> DIMS = Map.of("batch_size", 4L, "sequence_length", 7L);

    @Test
    void plainDimsGiveTheTensorShape() {
        OnnxLowering.HostMask m = new OnnxLowering.HostMask("dropout_mask/0", "dropout_seed", 3, 100, 1.25f,
                List.of(Dim.symbol("batch_size"), Dim.symbol("sequence_length"), Dim.of(16)), false);
        assertThat(m.shape(DIMS)).containsExactly(4, 7, 16);
    }

    @Test
    void derivedDimsGiveAFlatUpperBound() {
        // Slices only shorten and concatenations add: 1+sequence_length[1:] is at most 1 + 7.
        assertThat(OnnxLowering.HostMask.bound("1+sequence_length[1:]", DIMS)).isEqualTo(8);
        assertThat(OnnxLowering.HostMask.bound("sequence_length[0:-1]+sequence_length", DIMS)).isEqualTo(14);
        OnnxLowering.HostMask m = new OnnxLowering.HostMask("dropout_mask/1", "dropout_seed", 3, 100, 1.25f,
                List.of(Dim.symbol("batch_size"), Dim.symbol("1+sequence_length"), Dim.of(16)), true);
        assertThat(m.shape(DIMS)).containsExactly(4 * 8 * 16);
    }

    @Test
    void aDimNoInputHasIsNamed() {
        assertThatThrownBy(() -> OnnxLowering.HostMask.bound("1+past_length", DIMS))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("'past_length'").hasMessageContaining("'1+past_length'");
    }
}

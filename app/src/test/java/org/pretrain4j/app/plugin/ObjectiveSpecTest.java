package org.pretrain4j.app.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pretrain4j.spi.PluginException;

final class ObjectiveSpecTest {
    @Test
    void splitsNamesWeightsAndPropertiesByObjective() {
        ObjectiveSpec spec = ObjectiveSpec.parse("mlm+nsp", Map.of("nsp.weight", "0.5", "mlm.strategy", "whole-word",
                "mlm.strategy.rate", "0.2", "onnx.threads", "2"));

        assertThat(spec.names()).containsExactly("mlm", "nsp");
        assertThat(spec.text()).isEqualTo("mlm+nsp");
        assertThat(spec.weight("nsp")).isEqualTo(0.5);
        assertThat(spec.weight("mlm")).isEqualTo(1.0);
        assertThat(spec.properties().get("mlm")).containsExactlyInAnyOrderEntriesOf(Map.of("strategy", "whole-word", "strategy.rate", "0.2"));
        assertThat(spec.properties().get("nsp")).isEmpty();
    }

    @Test
    void rejectsBadSpecsAndWeights() {
        assertThatThrownBy(() -> ObjectiveSpec.parse("mlm++nsp", Map.of())).isInstanceOf(PluginException.class).hasMessageContaining("''");
        assertThatThrownBy(() -> ObjectiveSpec.parse("mlm+mlm", Map.of())).isInstanceOf(PluginException.class).hasMessageContaining("twice");
        assertThatThrownBy(() -> ObjectiveSpec.parse("", Map.of())).isInstanceOf(PluginException.class).hasMessageContaining("--objective");
        assertThatThrownBy(() -> ObjectiveSpec.parse("mlm", Map.of("mlm.weight", "-1")))
                .isInstanceOf(PluginException.class).hasMessageContaining("'mlm.weight'").hasMessageContaining("positive");
        assertThatThrownBy(() -> ObjectiveSpec.parse("mlm", Map.of("mlm.weight", "heavy")))
                .isInstanceOf(PluginException.class).hasMessageContaining("'mlm.weight'").hasMessageContaining("not a number");
        assertThatThrownBy(() -> ObjectiveSpec.parse("mlm", Map.of("mlm", "x")))
                .isInstanceOf(PluginException.class).hasMessageContaining("'mlm'");
    }
}

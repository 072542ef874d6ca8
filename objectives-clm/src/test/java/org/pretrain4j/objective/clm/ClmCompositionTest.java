package org.pretrain4j.objective.clm;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pretrain4j.objective.Objectives;
import org.pretrain4j.objective.mlm.MlmObjectiveFactory;
import org.pretrain4j.objective.nsp.NspObjectiveFactory;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.spi.PluginException;
import org.pretrain4j.testkit.ServiceLoaderPlugins;

/** Causal LM cannot be trained together with the bidirectional objectives: composition says why at start-up. */
final class ClmCompositionTest {
    private static final ServiceLoaderPlugins PLUGINS = new ServiceLoaderPlugins();

    private static Objective clm() {
        return new ClmObjectiveFactory().create(Map.of(), PLUGINS);
    }

    @Test
    void clmWithMlmFailsNamingTheAttentionOfEach() {
        Objective mlm = new MlmObjectiveFactory().create(Map.of(), PLUGINS);
        assertThatThrownBy(() -> Objectives.compose(List.of(clm(), mlm), Map.of()))
                .isInstanceOf(PluginException.class)
                .hasMessageContaining("clm+mlm").hasMessageContaining("causal").hasMessageContaining("bidirectional");
        assertThatThrownBy(() -> Objectives.compose(List.of(mlm, clm()), Map.of()))
                .isInstanceOf(PluginException.class).hasMessageContaining("mlm+clm").hasMessageContaining("causal");
    }

    @Test
    void clmWithNspFailsNamingTheAttentionOfEach() {
        Objective nsp = new NspObjectiveFactory().create(Map.of(), PLUGINS);
        assertThatThrownBy(() -> Objectives.compose(List.of(clm(), nsp), Map.of("nsp", 0.5)))
                .isInstanceOf(PluginException.class)
                .hasMessageContaining("clm+nsp").hasMessageContaining("causal").hasMessageContaining("bidirectional");
    }
}

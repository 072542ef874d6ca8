package org.pretrain4j.app.plugin;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pretrain4j.app.UserException;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.spi.ObjectiveFactory;
import org.pretrain4j.spi.PluginLookup;
import org.pretrain4j.spi.PropertySpec;

/** An objective cannot declare 'weight': the composition reads NAME.weight and the objective would never see it. */
final class ReservedWeightTest {
    private static final class DeclaresWeight implements ObjectiveFactory {
        @Override
        public String name() {
            return "heavy";
        }

        @Override
        public String description() {
            return "declares the reserved key";
        }

        @Override
        public List<PropertySpec> properties() {
            return List.of(new PropertySpec("weight", "1", "loss weight"));
        }

        @Override
        public Objective create(Map<String, String> properties, PluginLookup plugins) {
            throw new AssertionError("never created");
        }
    }

    @Test
    void aFactoryDeclaringWeightFailsAtDiscoveryNamingTheReason() {
        assertThatThrownBy(() -> new DiscoveredPlugins(List.of(new DeclaresWeight()), List.of(), List.of()))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("declares the property 'weight', which it would never see")
                .hasMessageContaining("'heavy.weight' is the weight of its loss");
    }
}

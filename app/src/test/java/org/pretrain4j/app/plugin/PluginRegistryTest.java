package org.pretrain4j.app.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Guice;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pretrain4j.spi.MaskDecision;
import org.pretrain4j.spi.MaskingStrategy;
import org.pretrain4j.spi.MaskingStrategyFactory;
import org.pretrain4j.spi.PluginException;
import org.pretrain4j.spi.PluginLookup;
import org.pretrain4j.spi.PropertySpec;

final class PluginRegistryTest {
    /** A strategy that never masks, keyed by name, declaring one property. */
    private record FakeStrategyFactory(String name) implements MaskingStrategyFactory {
        @Override
        public String description() {
            return "fake";
        }

        @Override
        public List<PropertySpec> properties() {
            return List.of(new PropertySpec("rate", "0.15", "selection rate"));
        }

        @Override
        public MaskingStrategy create(Map<String, String> properties) {
            return (tokens, special, wordStarts, vocabulary, random) -> new MaskDecision(new int[0], new int[0]);
        }
    }

    private static PluginRegistry registry() {
        DiscoveredPlugins plugins = new DiscoveredPlugins(List.of(),
                List.of(new FakeStrategyFactory("whole-word"), new FakeStrategyFactory("bert")), List.of());
        return Guice.createInjector(new PluginModule(plugins)).getInstance(PluginRegistry.class);
    }

    @Test
    void theInjectorBindsTheLookupPluginsUseToTheRegistry() {
        var injector = Guice.createInjector(new PluginModule(new DiscoveredPlugins(List.of(),
                List.of(new FakeStrategyFactory("bert")), List.of())));

        PluginLookup lookup = injector.getInstance(PluginLookup.class);

        assertThat(lookup).isInstanceOf(PluginRegistry.class);
        assertThat(lookup.maskingStrategy("bert", Map.of("rate", "0.2"))).isNotNull();
    }

    @Test
    void anUnknownNameListsTheAvailableOnesSorted() {
        assertThatThrownBy(() -> registry().maskingStrategy("span", Map.of()))
                .isInstanceOf(PluginException.class)
                .hasMessage("Unknown masking strategy 'span'. Available: [bert, whole-word]. Add the jar that provides it to --plugins.");
        assertThatThrownBy(() -> registry().objectiveFactory("mlx"))
                .isInstanceOf(PluginException.class)
                .hasMessage("Unknown objective 'mlx'. Available: []. Add the jar that provides it to --plugins.");
    }

    @Test
    void anUndeclaredPropertyIsNamedWithTheKnownOnes() {
        assertThatThrownBy(() -> registry().maskingStrategy("bert", Map.of("rait", "0.2")))
                .isInstanceOf(PluginException.class)
                .hasMessage("Unknown property 'bert.rait' for masking strategy 'bert'. Known: [rate].");
    }

    @Test
    void duplicateNamesFailBeforeGuiceSeesThem() {
        assertThatThrownBy(() -> new DiscoveredPlugins(List.of(),
                List.of(new FakeStrategyFactory("bert"), new FakeStrategyFactory("bert")), List.of()))
                .hasMessageContaining("Two masking strategy plugins are named 'bert'")
                .hasMessageContaining(FakeStrategyFactory.class.getName() + " (")
                .hasMessageContaining(" and " + FakeStrategyFactory.class.getName());
    }
}

package org.pretrain4j.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class PluginPropertiesTest {
    private static final List<PropertySpec> SPECS = List.of(
            new PropertySpec("rate", "0.15", "a rate"),
            new PropertySpec("mode", "fast", "a mode"),
            new PropertySpec("cap", null, "an optional cap"));

    @Test
    void defaultsComeFromTheSpecs() {
        PluginProperties p = PluginProperties.parse("plugin 'x'", Map.of(), SPECS);
        assertThat(p.number("rate", 0, 1)).isEqualTo(0.15);
        assertThat(p.choice("mode", List.of("fast", "slow"))).isEqualTo("fast");
        assertThat(p.optionalInteger("cap", 1, 10)).isNull();
        assertThat(p.withPrefix("strategy.")).isEmpty();
    }

    @Test
    void givenValuesWinAndPrefixedKeysPassThrough() {
        PluginProperties p = PluginProperties.parse("plugin 'x'",
                Map.of("rate", " 0.5 ", "cap", "7", "strategy.a", "1", "strategy.b.c", "2"), SPECS, "strategy.");
        assertThat(p.number("rate", 0, 1)).isEqualTo(0.5);
        assertThat(p.integer("cap", 1, 10)).isEqualTo(7);
        assertThat(p.withPrefix("strategy.")).containsExactlyInAnyOrderEntriesOf(Map.of("a", "1", "b.c", "2"));
    }

    @Test
    void unknownKeysAndBadValuesAreNamed() {
        assertThatThrownBy(() -> PluginProperties.parse("plugin 'x'", Map.of("rat", "1"), SPECS, "strategy."))
                .isInstanceOf(PluginException.class)
                .hasMessage("Unknown property 'rat' for plugin 'x'. Known: [rate, mode, cap, strategy.*]");
        assertThatThrownBy(() -> PluginProperties.parse("plugin 'x'", Map.of("strategy.", "1"), SPECS, "strategy."))
                .hasMessageContaining("'strategy.'");
        PluginProperties p = PluginProperties.parse("plugin 'x'", Map.of("rate", "lots", "mode", "medium", "cap", "11"), SPECS);
        assertThatThrownBy(() -> p.number("rate", 0, 1)).hasMessage("plugin 'x': property 'rate' = 'lots' is not a number");
        assertThatThrownBy(() -> p.choice("mode", List.of("fast", "slow")))
                .hasMessage("plugin 'x': property 'mode' = 'medium' must be one of [fast, slow]");
        assertThatThrownBy(() -> p.optionalInteger("cap", 1, 10)).hasMessage("plugin 'x': property 'cap' = '11' must be in [1, 10]");
        assertThatThrownBy(() -> PluginProperties.parse("plugin 'x'", Map.of(), SPECS).integer("cap", 1, 10))
                .hasMessage("plugin 'x': property 'cap' is required");
        assertThatThrownBy(() -> PluginProperties.parse("plugin 'x'", Map.of("rate", "2"), SPECS).number("rate", 0, 1))
                .hasMessageContaining("'rate' = '2' must be in [0.0, 1.0]");
    }
}

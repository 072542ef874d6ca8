package org.pretrain4j.objective.mlm;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.pretrain4j.spi.PluginException;
import org.pretrain4j.spi.PluginProperties;
import org.pretrain4j.spi.PropertySpec;

/**
 * Configuration of the {@code mlm} objective: the masking strategy's name and its properties
 * (given as {@code strategy.<key>}, passed on without the prefix; the strategy checks them).
 */
public record MlmConfig(String strategy, Map<String, String> strategyProperties) {
    static final String STRATEGY_PREFIX = "strategy.";

    /**
     * Every key with its default: the strategy, and the keys every built-in strategy shares under
     * {@code strategy.} (a strategy may accept more, e.g. {@code strategy.selection} for {@code bert}).
     */
    public static final List<PropertySpec> PROPERTIES = properties();

    public MlmConfig {
        requireNonNull(strategy, "strategy is null");
        if (!strategy.matches("[a-z][a-z0-9-]*")) {
            throw new PluginException("objective 'mlm': property 'strategy' = '" + strategy + "' is not a strategy name");
        }
        strategyProperties = Map.copyOf(strategyProperties);
    }

    /** Parses the user's properties strictly; absent keys take the defaults of {@link #PROPERTIES}. */
    public static MlmConfig parse(Map<String, String> properties) {
        PluginProperties p = PluginProperties.parse("objective 'mlm'", properties, PROPERTIES, STRATEGY_PREFIX);
        return new MlmConfig(p.string("strategy"), new TreeMap<>(p.withPrefix(STRATEGY_PREFIX)));
    }

    private static List<PropertySpec> properties() {
        List<PropertySpec> all = new ArrayList<>();
        all.add(new PropertySpec("strategy", "bert", "Masking strategy that chooses the predicted positions (see 'plugins')"));
        List<PropertySpec> shared = new ArrayList<>(MaskingLaw.RATE_PROPERTIES);
        shared.addAll(MaskReplacement.PROPERTIES);
        for (PropertySpec s : shared) {
            all.add(new PropertySpec(STRATEGY_PREFIX + s.key(), s.defaultValue(), s.description() + " (passed to the strategy)"));
        }
        return List.copyOf(all);
    }
}

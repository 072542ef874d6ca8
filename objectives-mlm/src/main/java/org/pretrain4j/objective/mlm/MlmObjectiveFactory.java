package org.pretrain4j.objective.mlm;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import org.pretrain4j.spi.MaskingStrategy;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.spi.ObjectiveFactory;
import org.pretrain4j.spi.PluginException;
import org.pretrain4j.spi.PluginLookup;
import org.pretrain4j.spi.PropertySpec;

/** The {@code mlm} objective: BERT's masked language model with a pluggable masking strategy. */
public final class MlmObjectiveFactory implements ObjectiveFactory {
    @Override
    public String name() {
        return "mlm";
    }

    @Override
    public String description() {
        return "Masked language model as BERT: predict the tokens a masking strategy hides";
    }

    @Override
    public List<PropertySpec> properties() {
        return MlmConfig.PROPERTIES;
    }

    @Override
    public Objective create(Map<String, String> properties, PluginLookup plugins) {
        requireNonNull(plugins, "plugins is null");
        MlmConfig config = MlmConfig.parse(properties);
        MaskingStrategy strategy;
        try {
            strategy = plugins.maskingStrategy(config.strategy(), config.strategyProperties());
        } catch (PluginException e) {
            throw new PluginException(e.getMessage() + " (objective 'mlm' passes its 'strategy.*' properties to the strategy)");
        }
        return new MlmObjective(config, strategy);
    }
}

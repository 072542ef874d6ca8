package org.pretrain4j.objective.clm;

import java.util.List;
import java.util.Map;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.spi.ObjectiveFactory;
import org.pretrain4j.spi.PluginLookup;
import org.pretrain4j.spi.PropertySpec;

/** The {@code clm} objective: GPT's causal language model. */
public final class ClmObjectiveFactory implements ObjectiveFactory {
    @Override
    public String name() {
        return "clm";
    }

    @Override
    public String description() {
        return "Causal language model as GPT: predict every next token of packed blocks, end of text included";
    }

    @Override
    public List<PropertySpec> properties() {
        return ClmConfig.PROPERTIES;
    }

    @Override
    public Objective create(Map<String, String> properties, PluginLookup plugins) {
        return new ClmObjective(ClmConfig.parse(properties));
    }
}

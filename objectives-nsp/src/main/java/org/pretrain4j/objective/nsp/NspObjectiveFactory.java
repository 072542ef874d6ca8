package org.pretrain4j.objective.nsp;

import java.util.List;
import java.util.Map;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.spi.ObjectiveFactory;
import org.pretrain4j.spi.PluginLookup;
import org.pretrain4j.spi.PropertySpec;

/** The {@code nsp} objective: BERT's next sentence prediction. */
public final class NspObjectiveFactory implements ObjectiveFactory {
    @Override
    public String name() {
        return "nsp";
    }

    @Override
    public String description() {
        return "Next sentence prediction as BERT: is B the text that follows A (label 0) or a random segment (label 1)";
    }

    @Override
    public List<PropertySpec> properties() {
        return NspConfig.PROPERTIES;
    }

    @Override
    public Objective create(Map<String, String> properties, PluginLookup plugins) {
        return new NspObjective(NspConfig.parse(properties));
    }
}

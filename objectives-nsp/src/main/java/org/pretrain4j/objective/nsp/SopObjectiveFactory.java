package org.pretrain4j.objective.nsp;

import java.util.List;
import java.util.Map;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.spi.ObjectiveFactory;
import org.pretrain4j.spi.PluginLookup;
import org.pretrain4j.spi.PropertySpec;

/** The {@code sop} objective: ALBERT's sentence-order prediction. */
public final class SopObjectiveFactory implements ObjectiveFactory {
    @Override
    public String name() {
        return "sop";
    }

    @Override
    public String description() {
        return "Sentence-order prediction as ALBERT: are two consecutive segments in order (label 0) or swapped (label 1)";
    }

    @Override
    public List<PropertySpec> properties() {
        return SopConfig.PROPERTIES;
    }

    @Override
    public Objective create(Map<String, String> properties, PluginLookup plugins) {
        return new SopObjective(SopConfig.parse(properties));
    }
}

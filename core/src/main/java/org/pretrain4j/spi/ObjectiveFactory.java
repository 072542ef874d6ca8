package org.pretrain4j.spi;

import java.util.List;
import java.util.Map;

/** Creates an {@link Objective}; found with ServiceLoader, unique by {@link #name()}. */
public interface ObjectiveFactory {
    /**
     * The key every objective takes without declaring it: {@code <name>.weight} is the weight of its
     * loss in a composition, read by the host and never passed to {@link #create}. A factory that
     * declares it in {@link #properties} fails at start-up.
     */
    String WEIGHT = "weight";

    /** The unique name, matching {@code [a-z][a-z0-9-]*}. */
    String name();

    /** One line saying what the objective trains. */
    String description();

    /** Every property {@link #create} accepts, with defaults ({@link #WEIGHT} excepted). */
    List<PropertySpec> properties();

    /**
     * Creates the objective; properties are the user's, keys without the objective prefix. An unknown
     * key or a bad value throws {@link PluginException} naming the key. {@code plugins} resolves other
     * plugins the objective uses (MLM's masking strategy).
     */
    Objective create(Map<String, String> properties, PluginLookup plugins);
}

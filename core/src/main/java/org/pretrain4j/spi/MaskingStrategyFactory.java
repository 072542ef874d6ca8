package org.pretrain4j.spi;

import java.util.List;
import java.util.Map;

/** Creates a {@link MaskingStrategy}; found with ServiceLoader, unique by {@link #name()}. */
public interface MaskingStrategyFactory {
    /** The unique name, matching {@code [a-z][a-z0-9-]*}. */
    String name();

    /** One line saying how it chooses positions. */
    String description();

    /** Every property {@link #create} accepts, with defaults. */
    List<PropertySpec> properties();

    /** Creates the strategy; an unknown key or a bad value throws {@link PluginException} naming the key. */
    MaskingStrategy create(Map<String, String> properties);
}

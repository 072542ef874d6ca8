package org.pretrain4j.spi;

import java.util.List;
import java.util.Map;

/** Creates a {@link Backend}; found with ServiceLoader, unique by {@link #name()}. */
public interface BackendFactory {
    /** The unique name, matching {@code [a-z][a-z0-9-]*}. */
    String name();

    /** One line saying where it runs. */
    String description();

    /** Every property {@link #create} accepts, with defaults. */
    List<PropertySpec> properties();

    /** Creates the backend; an unknown key or a bad value throws {@link PluginException} naming the key. */
    Backend create(Map<String, String> properties);
}

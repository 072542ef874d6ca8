package org.pretrain4j.spi;

import java.util.List;
import java.util.Map;

/**
 * Creates an {@link ExportFormat}; found with ServiceLoader ({@code META-INF/services/
 * org.pretrain4j.spi.ExportFormatFactory}), unique by {@link #name()}, listed by {@code plugins}.
 */
public interface ExportFormatFactory {
    /** The unique name used by {@code export --format}, matching {@code [a-z][a-z0-9-]*}. */
    String name();

    /** One line saying what the format writes and what reads it. */
    String description();

    /** Every property {@link #create} accepts, with defaults; none by default. */
    default List<PropertySpec> properties() {
        return List.of();
    }

    /** Creates the format; an unknown key or a bad value throws {@link PluginException} naming the key. */
    ExportFormat create(Map<String, String> properties);
}

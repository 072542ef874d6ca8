package org.pretrain4j.objective.clm;

import java.util.List;
import java.util.Map;
import org.pretrain4j.spi.PluginProperties;
import org.pretrain4j.spi.PropertySpec;

/**
 * Configuration of the {@code clm} objective. It has no keys today: the targets are fixed by the
 * layout (the next token, end of text included); strict parsing still rejects any key by name, and
 * the loss weight of a composition is read by the composition, not here.
 */
public record ClmConfig() {
    /** Every key, with its default (none). */
    public static final List<PropertySpec> PROPERTIES = List.of();

    /** Parses the user's properties strictly. */
    public static ClmConfig parse(Map<String, String> properties) {
        PluginProperties.parse("objective 'clm'", properties, PROPERTIES);
        return new ClmConfig();
    }
}

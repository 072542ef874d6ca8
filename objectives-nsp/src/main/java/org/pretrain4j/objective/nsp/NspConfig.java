package org.pretrain4j.objective.nsp;

import java.util.List;
import java.util.Map;
import org.pretrain4j.spi.PluginProperties;
import org.pretrain4j.spi.PropertySpec;

/**
 * Configuration of the {@code nsp} objective. It has no keys today: the pairs and their labels come
 * from the sentence-pair layout (google BERT's algorithm), and the loss weight of a composition
 * ({@code nsp.weight}) is read by the composition; strict parsing still rejects any key by name.
 */
public record NspConfig() {
    /** Every key, with its default (none). */
    public static final List<PropertySpec> PROPERTIES = List.of();

    /** Parses the user's properties strictly. */
    public static NspConfig parse(Map<String, String> properties) {
        PluginProperties.parse("objective 'nsp'", properties, PROPERTIES);
        return new NspConfig();
    }
}

package org.pretrain4j.objective.nsp;

import java.util.List;
import java.util.Map;
import org.pretrain4j.spi.PluginException;
import org.pretrain4j.spi.PluginProperties;
import org.pretrain4j.spi.PropertySpec;

/** Configuration of the {@code sop} objective: how often the two segments are swapped (ALBERT: half the time). */
public record SopConfig(double swapProbability) {
    /** Every key, with its default. */
    public static final List<PropertySpec> PROPERTIES = List.of(
            new PropertySpec("swap-probability", "0.5", "Probability that a pair's segments are swapped (label 1)"));

    public SopConfig {
        if (!(swapProbability > 0 && swapProbability < 1)) {
            throw new PluginException("objective 'sop': property 'swap-probability' = '" + swapProbability
                    + "' must be strictly between 0 and 1, or one label would never be seen");
        }
    }

    /** Parses the user's properties strictly; absent keys take the defaults of {@link #PROPERTIES}. */
    public static SopConfig parse(Map<String, String> properties) {
        PluginProperties p = PluginProperties.parse("objective 'sop'", properties, PROPERTIES);
        double swap = p.number("swap-probability", 0, 1);
        if (swap == 0 || swap == 1) {
            throw p.invalid("swap-probability", p.string("swap-probability"), "must be strictly between 0 and 1");
        }
        return new SopConfig(swap);
    }
}

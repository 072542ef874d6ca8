package org.pretrain4j.objective.mlm;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import org.pretrain4j.spi.PluginProperties;
import org.pretrain4j.spi.PropertySpec;

/** Configuration of the {@code whole-word} strategy; {@code maxPredictions} is null for no cap. */
public record WholeWordMaskingConfig(double rate, Integer maxPredictions, MaskReplacement replacement) {
    /** Every key, with its default. */
    public static final List<PropertySpec> PROPERTIES = MaskingLaw.with(List.of());

    public WholeWordMaskingConfig {
        requireNonNull(replacement, "replacement is null");
        MaskingLaw.checkRate("whole-word", rate, maxPredictions);
    }

    /** Parses the user's properties strictly; absent keys take the defaults of {@link #PROPERTIES}. */
    public static WholeWordMaskingConfig parse(Map<String, String> properties) {
        PluginProperties p = PluginProperties.parse("masking strategy 'whole-word'", properties, PROPERTIES);
        return new WholeWordMaskingConfig(MaskingLaw.rate(p), MaskingLaw.maxPredictions(p), MaskReplacement.from(p));
    }
}

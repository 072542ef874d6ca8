package org.pretrain4j.objective.clm;

import java.util.List;
import java.util.Map;
import org.pretrain4j.spi.PluginProperties;
import org.pretrain4j.spi.PropertySpec;

/**
 * Configuration of the {@code clm} objective. The targets are fixed by the layout (the next token,
 * end of text included); the loss weight of a composition is read by the composition, not here.
 *
 * @param outputBias whether the tied decoder adds a learned bias ({@code output-bias}, default
 *     false: GPT-2 has none, so the default model exports to {@code GPT2LMHeadModel} exactly); a model
 *     started from GPT-2 ({@code --init-from}) never has one.
 */
public record ClmConfig(boolean outputBias) {
    /** Every key, with its default. */
    public static final List<PropertySpec> PROPERTIES = List.of(new PropertySpec("output-bias", "false",
            "Learned bias on the tied output projection (true: a bias GPT-2 lacks, which model.safetensors cannot hold)"));

    /** Parses the user's properties strictly. */
    public static ClmConfig parse(Map<String, String> properties) {
        PluginProperties p = PluginProperties.parse("objective 'clm'", properties, PROPERTIES);
        return new ClmConfig(Boolean.parseBoolean(p.choice("output-bias", List.of("true", "false"))));
    }
}

package org.pretrain4j.objective.mlm;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.pretrain4j.spi.PluginProperties;
import org.pretrain4j.spi.PropertySpec;

/**
 * Configuration of the {@code bert} strategy. {@code selection} is {@code exact} (google BERT: a
 * fixed budget drawn without replacement) or {@code bernoulli} (Hugging Face: each candidate on its
 * own with probability {@code rate}); {@code maxPredictions} is null for no cap.
 */
public record BertMaskingConfig(Selection selection, double rate, Integer maxPredictions, MaskReplacement replacement) {
    /** Every key, with its default. */
    public static final List<PropertySpec> PROPERTIES = MaskingLaw.with(List.of(
            new PropertySpec("selection", "exact", "Exact: google BERT's fixed budget; bernoulli: each token on its own, as Hugging Face")));

    public BertMaskingConfig {
        requireNonNull(selection, "selection is null");
        requireNonNull(replacement, "replacement is null");
        MaskingLaw.checkRate("bert", rate, maxPredictions);
    }

    /** How positions are drawn. */
    public enum Selection {
        EXACT,
        BERNOULLI
    }

    /** Parses the user's properties strictly; absent keys take the defaults of {@link #PROPERTIES}. */
    public static BertMaskingConfig parse(Map<String, String> properties) {
        PluginProperties p = PluginProperties.parse("masking strategy 'bert'", properties, PROPERTIES);
        List<String> names = new ArrayList<>();
        for (Selection s : Selection.values()) {
            names.add(s.name().toLowerCase(java.util.Locale.ROOT));
        }
        Selection selection = Selection.valueOf(p.choice("selection", names).toUpperCase(java.util.Locale.ROOT));
        return new BertMaskingConfig(selection, MaskingLaw.rate(p), MaskingLaw.maxPredictions(p), MaskReplacement.from(p));
    }
}

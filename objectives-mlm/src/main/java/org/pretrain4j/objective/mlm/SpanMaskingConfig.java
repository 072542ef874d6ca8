package org.pretrain4j.objective.mlm;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import org.pretrain4j.spi.PluginException;
import org.pretrain4j.spi.PluginProperties;
import org.pretrain4j.spi.PropertySpec;

/**
 * Configuration of the {@code span} strategy: span lengths in words follow a geometric law with
 * parameter {@code geometricP}, truncated to {@code [1, maxSpan]} and renormalised (SpanBERT:
 * p 0.2, at most 10, mean 3.8 words).
 */
public record SpanMaskingConfig(double rate, Integer maxPredictions, double geometricP, int maxSpan, MaskReplacement replacement) {
    /** Every key, with its default. */
    public static final List<PropertySpec> PROPERTIES = MaskingLaw.with(List.of(
            new PropertySpec("geometric-p", "0.2", "Parameter of the geometric law of span lengths in words"),
            new PropertySpec("max-span", "10", "Longest span in words")));

    public SpanMaskingConfig {
        requireNonNull(replacement, "replacement is null");
        MaskingLaw.checkRate("span", rate, maxPredictions);
        if (!(geometricP > 0 && geometricP <= 1)) {
            throw new PluginException("masking strategy 'span': property 'geometric-p' = '" + geometricP + "' must be in (0, 1]");
        }
        if (maxSpan < 1) {
            throw new PluginException("masking strategy 'span': property 'max-span' = '" + maxSpan + "' must be at least 1");
        }
    }

    /** Parses the user's properties strictly; absent keys take the defaults of {@link #PROPERTIES}. */
    public static SpanMaskingConfig parse(Map<String, String> properties) {
        PluginProperties p = PluginProperties.parse("masking strategy 'span'", properties, PROPERTIES);
        double geometricP = p.number("geometric-p", 0, 1);
        if (geometricP == 0) {
            throw p.invalid("geometric-p", p.string("geometric-p"), "must be above 0");
        }
        return new SpanMaskingConfig(MaskingLaw.rate(p), MaskingLaw.maxPredictions(p), geometricP,
                p.integer("max-span", 1, 1000), MaskReplacement.from(p));
    }

    /** The probability of each span length 1..maxSpan: {@code p (1-p)^(l-1)}, renormalised. */
    public double[] lengthDistribution() {
        double[] d = new double[maxSpan];
        double total = 0;
        for (int l = 1; l <= maxSpan; l++) {
            d[l - 1] = geometricP * Math.pow(1 - geometricP, l - 1);
            total += d[l - 1];
        }
        for (int i = 0; i < maxSpan; i++) {
            d[i] /= total;
        }
        return d;
    }
}

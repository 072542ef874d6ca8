package org.pretrain4j.objective.mlm;

import java.util.List;
import java.util.Map;
import org.pretrain4j.spi.MaskingStrategy;
import org.pretrain4j.spi.MaskingStrategyFactory;
import org.pretrain4j.spi.PropertySpec;

/** The {@code span} masking strategy: SpanBERT's contiguous spans of whole words. */
public final class SpanMaskingStrategyFactory implements MaskingStrategyFactory {
    @Override
    public String name() {
        return "span";
    }

    @Override
    public String description() {
        return "SpanBERT span masking: spans of whole words, lengths from a geometric law (p 0.2, at most 10), until round(n x rate) tokens";
    }

    @Override
    public List<PropertySpec> properties() {
        return SpanMaskingConfig.PROPERTIES;
    }

    @Override
    public MaskingStrategy create(Map<String, String> properties) {
        return new SpanMaskingStrategy(SpanMaskingConfig.parse(properties));
    }
}

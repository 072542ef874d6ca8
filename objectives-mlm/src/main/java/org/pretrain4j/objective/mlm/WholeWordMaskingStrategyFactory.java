package org.pretrain4j.objective.mlm;

import java.util.List;
import java.util.Map;
import org.pretrain4j.spi.MaskingStrategy;
import org.pretrain4j.spi.MaskingStrategyFactory;
import org.pretrain4j.spi.PropertySpec;

/** The {@code whole-word} masking strategy: every token of a chosen word is predicted. */
public final class WholeWordMaskingStrategyFactory implements MaskingStrategyFactory {
    @Override
    public String name() {
        return "whole-word";
    }

    @Override
    public String description() {
        return "Whole-word masking as google BERT: whole words in random order until round(n x rate) tokens are chosen";
    }

    @Override
    public List<PropertySpec> properties() {
        return WholeWordMaskingConfig.PROPERTIES;
    }

    @Override
    public MaskingStrategy create(Map<String, String> properties) {
        return new WholeWordMaskingStrategy(WholeWordMaskingConfig.parse(properties));
    }
}

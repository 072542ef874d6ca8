package org.pretrain4j.objective.mlm;

import java.util.List;
import java.util.Map;
import org.pretrain4j.spi.MaskingStrategy;
import org.pretrain4j.spi.MaskingStrategyFactory;
import org.pretrain4j.spi.PropertySpec;

/** The {@code bert} masking strategy: token level, google BERT's exact budget or Hugging Face's Bernoulli draws. */
public final class BertMaskingStrategyFactory implements MaskingStrategyFactory {
    @Override
    public String name() {
        return "bert";
    }

    @Override
    public String description() {
        return "Token-level masking as BERT: a budget of round(n x rate) tokens (exact) or each token with probability rate (bernoulli)";
    }

    @Override
    public List<PropertySpec> properties() {
        return BertMaskingConfig.PROPERTIES;
    }

    @Override
    public MaskingStrategy create(Map<String, String> properties) {
        return new BertMaskingStrategy(BertMaskingConfig.parse(properties));
    }
}

package org.pretrain4j.pretrained;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.pretrain4j.spi.AttentionKind;

/** The Hugging Face model types pretrain4j reads and writes, by their {@code model_type}. */
public enum HuggingFaceArchitecture {
    /** BERT (BertForPreTraining, BertForMaskedLM, BertModel): post-LN encoder. */
    BERT("bert", AttentionKind.BIDIRECTIONAL, "bert.", List.of("mlm", "mlm+nsp", "mlm+sop", "nsp", "sop")),
    /** RoBERTa and DistilRoBERTa (RobertaForMaskedLM): BERT's encoder with offset positions and one token type. */
    ROBERTA("roberta", AttentionKind.BIDIRECTIONAL, "roberta.", List.of("mlm")),
    /** GPT-2 and DistilGPT-2 (GPT2LMHeadModel): pre-LN decoder. */
    GPT2("gpt2", AttentionKind.CAUSAL, "transformer.", List.of("clm"));

    private final String modelType;
    private final AttentionKind attention;
    private final String prefix;
    private final List<String> objectives;

    HuggingFaceArchitecture(String modelType, AttentionKind attention, String prefix, List<String> objectives) {
        this.modelType = modelType;
        this.attention = attention;
        this.prefix = prefix;
        this.objectives = objectives;
    }

    /** {@code model_type} in config.json. */
    public String modelType() {
        return modelType;
    }

    public AttentionKind attention() {
        return attention;
    }

    /** The base model's key prefix inside the task model ({@code bert.}, {@code roberta.}, {@code transformer.}). */
    public String prefix() {
        return prefix;
    }

    /** The objectives that fit it, for messages. */
    public List<String> objectives() {
        return objectives;
    }

    /** The architecture of a {@code model_type}; an unknown one fails naming the supported ones. */
    public static HuggingFaceArchitecture of(String modelType, java.nio.file.Path file) {
        for (HuggingFaceArchitecture a : values()) {
            if (a.modelType.equals(modelType == null ? null : modelType.toLowerCase(Locale.ROOT))) {
                return a;
            }
        }
        throw new PretrainedModelException(file, "model_type '" + modelType + "' is not supported; supported: "
                + Arrays.stream(values()).map(HuggingFaceArchitecture::modelType).toList());
    }
}

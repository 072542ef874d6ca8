package org.pretrain4j.spi;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.graph.Program;
import org.pretrain4j.nn.TransformerConfig;
import org.pretrain4j.text.Tokenizer;

/**
 * Everything an export needs: the inference programs, the trained values, the model and tokenizer
 * they were trained with, and what the objective and the run want recorded. Every {@link ExportFormat}
 * gets the same request.
 *
 * @param model the inference program for {@code onnx/model.onnx} (encoder: {@code logits} and maybe
 *     {@code seq_relationship_logits}; decoder: {@code logits} and {@code present.*} with the KV cache)
 * @param encoder the feature-extraction program ({@code output_0}, {@code output_1}) for
 *     {@code onnx/encoder.onnx}, or null (decoders)
 * @param state the trained values of every variable, by name
 * @param config the transformer's configuration
 * @param tokenizer the tokenizer the model was trained with
 * @param objective the objective's name, e.g. {@code mlm+nsp}
 * @param objectiveMetadata the objective's export facts (e.g. the NSP label convention)
 * @param runConfiguration the run's full configuration as a JSON object text
 */
public record ExportRequest(Program model, Program encoder, Map<String, HostTensor> state, TransformerConfig config,
                            Tokenizer tokenizer, String objective, Map<String, String> objectiveMetadata, String runConfiguration) {
    public ExportRequest {
        requireNonNull(model, "model is null");
        requireNonNull(state, "state is null");
        requireNonNull(config, "config is null");
        requireNonNull(tokenizer, "tokenizer is null");
        requireNonNull(objective, "objective is null");
        objectiveMetadata = Map.copyOf(requireNonNull(objectiveMetadata, "objectiveMetadata is null"));
        state = Collections.unmodifiableMap(new LinkedHashMap<>(state));
        runConfiguration = runConfiguration == null || runConfiguration.isBlank() ? "{}" : runConfiguration;
    }
}

package org.pretrain4j.data;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.pretrain4j.graph.HostTensor;

/**
 * One batch as the training graph reads it: named inputs ({@code input_ids},
 * {@code attention_mask}, {@code token_type_ids} [batch, sequence] int64, plus each objective's
 * own), the number of targets of each loss term (for exact normalisation across accumulation), and
 * sizes for throughput figures.
 */
public record Batch(Map<String, HostTensor> inputs, Map<String, Long> counts, int examples, long tokens) {
    public Batch {
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        counts = Collections.unmodifiableMap(new LinkedHashMap<>(counts));
    }
}

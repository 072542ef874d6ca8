package org.pretrain4j.train.checkpoint;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import org.pretrain4j.train.DataPosition;
import org.pretrain4j.train.TrainerConfig;

/**
 * Everything about a checkpoint except its tensors, stored as {@code checkpoint.json}.
 *
 * <p>{@code step} steps are done; {@code dataPosition} is where the data continues. The random
 * state is the {@code seed} alone: dropout seeds are derived from (seed, step, micro-batch) and
 * masks from (seed, epoch, example index), so nothing else needs saving. {@code run} is the
 * caller's full run configuration (model, objectives, data), kept verbatim.
 */
@JsonNaming(PropertyNamingStrategies.KebabCaseStrategy.class)
public record CheckpointMetadata(
        int format,
        long step,
        DataPosition dataPosition,
        long seed,
        TrainerConfig trainer,
        Map<String, Double> termWeights,
        JsonNode run,
        String created) {

    /** The version of the checkpoint layout this code writes. */
    public static final int FORMAT = 1;

    public CheckpointMetadata {
        requireNonNull(dataPosition, "dataPosition is null");
        requireNonNull(trainer, "trainer is null");
        termWeights = termWeights == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(termWeights));
        run = run == null ? JsonNodeFactory.instance.objectNode() : run;
        requireNonNull(created, "created is null");
    }
}

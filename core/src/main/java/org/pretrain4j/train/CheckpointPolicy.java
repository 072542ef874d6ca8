package org.pretrain4j.train;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.train.checkpoint.CheckpointMetadata;
import org.pretrain4j.train.checkpoint.CheckpointStore;

/**
 * When the trainer writes a checkpoint (every {@code checkpoint-every} steps, after the last step,
 * and when asked to stop) and what goes into it: every variable, the step, the data position, the
 * seed, the trainer settings, the term weights and the caller's configuration.
 */
final class CheckpointPolicy {
    private final TrainerConfig config;
    private final TrainingPrograms programs;
    private final JsonNode runConfiguration;
    private final CheckpointStore store;

    CheckpointPolicy(TrainerConfig config, TrainingPrograms programs, JsonNode runConfiguration, CheckpointStore store) {
        this.config = config;
        this.programs = programs;
        this.runConfiguration = runConfiguration;
        this.store = store;
    }

    boolean dueAt(long step, boolean end, boolean stopping) {
        return (config.checkpointEvery() > 0 && step % config.checkpointEvery() == 0) || end || stopping;
    }

    /** Commits a checkpoint of {@code state} after {@code step}, keeping the newest {@code keep-checkpoints}. */
    Path write(long step, DataPosition position, Map<String, HostTensor> state) {
        CheckpointMetadata metadata = new CheckpointMetadata(CheckpointMetadata.FORMAT, step, position,
                config.seed(), config, programs.termWeights(), runConfiguration, Instant.now().toString());
        return store.write(metadata, state, config.keepCheckpoints());
    }
}

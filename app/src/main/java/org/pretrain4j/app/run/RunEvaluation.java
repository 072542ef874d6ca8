package org.pretrain4j.app.run;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.pretrain4j.app.config.RunConfig;
import org.pretrain4j.data.ExampleLayout;
import org.pretrain4j.spi.AttentionKind;
import org.pretrain4j.train.EvalRecord;
import org.pretrain4j.train.TrainerConfig;

/** The {@code evaluate} report of a run: held-out loss and metrics of the newest checkpoint, and the clm baseline. */
@Singleton
final class RunEvaluation {
    private final RunSetup setups;
    private final RunLifecycle lifecycle;
    private final RunData data;

    @Inject
    RunEvaluation(RunSetup setups, RunLifecycle lifecycle, RunData data) {
        this.setups = requireNonNull(setups, "setups is null");
        this.lifecycle = requireNonNull(lifecycle, "lifecycle is null");
        this.data = requireNonNull(data, "data is null");
    }

    /**
     * Metrics of the checkpoint of {@code step} (null: the newest) over {@code batches} held-out
     * batches (null: all), with the run's configuration as given.
     */
    Map<String, Double> evaluate(RunConfig config, Path dir, Integer batches, Long step) {
        Setup setup = setups.setup(config, dir, false);
        TrainerConfig trainer = TrainerSettings.trainerConfig(config).toBuilder().evalBatches(batches == null ? 0 : batches).build();
        EvalRecord record = lifecycle.evaluate(setup, trainer, step);
        Map<String, Double> metrics = new TreeMap<>(record.metrics());
        metrics.put("loss", record.loss());
        record.termLosses().forEach((term, loss) -> metrics.putIfAbsent(term + "_loss", loss));
        metrics.put("step", (double) record.step());
        metrics.put("examples", (double) record.examples());
        if (setup.objective().attention() == AttentionKind.CAUSAL) {
            // The baseline of the clm learning check: the best unigram model of the same held-out targets.
            metrics.put("unigram_perplexity", data.heldOutUnigramPerplexity(config, setup.tokenizer(),
                    setup.objective().layout().orElse(ExampleLayout.PACKED_BLOCKS)));
        }
        return metrics;
    }
}

package org.pretrain4j.app.run;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.pretrain4j.app.progress.RunListenerFactory;
import org.pretrain4j.pretrained.PretrainedWeights;
import org.pretrain4j.spi.Backend;
import org.pretrain4j.train.EvalRecord;
import org.pretrain4j.train.StepRecord;
import org.pretrain4j.train.Trainer;
import org.pretrain4j.train.TrainerConfig;
import org.pretrain4j.train.TrainingListener;
import org.pretrain4j.train.TrainingPrograms;
import org.pretrain4j.train.TrainingResult;

/**
 * A built run's life on a backend: opens the backend, runs the trainer (fresh or resumed) with the
 * progress listeners and a Ctrl-C hook, or evaluates the newest checkpoint, and closes the backend.
 */
@Singleton
final class RunLifecycle {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RunSetup setups;
    private final Set<RunListenerFactory> listenerFactories;

    /** What a run returned, with its mean training throughput (tokens per second of step time). */
    record Trained(TrainingResult result, double tokensPerSecond) {}

    @Inject
    RunLifecycle(RunSetup setups, Set<RunListenerFactory> listenerFactories) {
        this.setups = requireNonNull(setups, "setups is null");
        this.listenerFactories = Set.copyOf(listenerFactories);
    }

    /**
     * Trains (or, with {@code resume}, continues) the run to its configured steps or until Ctrl-C;
     * {@code fallBack} sets a damaged newest checkpoint aside and resumes from the newest intact one;
     * {@code initial} non-null: a new run starts from these weights instead of random ones.
     */
    Trained run(Setup setup, boolean resume, boolean fallBack, List<TrainingListener> extra, PretrainedWeights initial) {
        List<TrainingListener> listeners = new ArrayList<>();
        for (RunListenerFactory factory : listenerFactories) {
            listeners.add(factory.create(setup.runDirectory()));
        }
        listeners.addAll(extra);
        Throughput throughput = new Throughput();
        listeners.add(throughput);
        TrainingResult result;
        try (Backend backend = setups.backend(setup.config())) {
            Trainer.Builder builder = trainerBuilder(setup, TrainerSettings.trainerConfig(setup.config()), listeners, true, fallBack)
                    .backend(backend);
            if (initial != null) {
                builder.initialState(initial.state(), PretrainedStart.report(initial));
            }
            Trainer trainer = builder.build();
            try (StopOnShutdown hook = new StopOnShutdown(trainer)) {
                result = RunFolders.translate(resume ? trainer::resume : trainer::train, setup.runDirectory());
            }
        }
        double tokensPerSecond = throughput.seconds > 0 ? throughput.tokens / throughput.seconds : 0.0;
        return new Trained(result, tokensPerSecond);
    }

    /**
     * Evaluates the checkpoint of {@code step}, or the newest one when {@code step} is null, with
     * {@code trainerConfig}'s evaluation settings; writes nothing into the run folder.
     */
    EvalRecord evaluate(Setup setup, TrainerConfig trainerConfig, Long step) {
        try (Backend backend = setups.backend(setup.config())) {
            Trainer t = trainer(setup, trainerConfig, backend, List.of(), false, false);
            return RunFolders.translate(step == null ? t::evaluateNewestCheckpoint : () -> t.evaluateCheckpoint(step),
                    setup.runDirectory());
        }
    }

    private static Trainer trainer(Setup setup, TrainerConfig trainerConfig, Backend backend, List<TrainingListener> listeners,
            boolean metricsFile, boolean fallBack) {
        return trainerBuilder(setup, trainerConfig, listeners, metricsFile, fallBack).backend(backend).build();
    }

    private static Trainer.Builder trainerBuilder(Setup setup, TrainerConfig trainerConfig, List<TrainingListener> listeners,
            boolean metricsFile, boolean fallBack) {
        TrainingPrograms programs = TrainingPrograms.of(setup.graphs(), setup.config().gradientAccumulation());
        Trainer.Builder builder = Trainer.builder()
                .config(trainerConfig)
                .programs(programs)
                .objective(setup.objective())
                .trainData(setup.batches().train())
                .evalData(setup.batches().validation())
                .runDirectory(setup.runDirectory())
                .runConfiguration(JSON.valueToTree(setup.config()))
                .metricsFile(metricsFile)
                .fallBackToOlderCheckpoint(fallBack);
        listeners.forEach(builder::listener);
        return builder;
    }

    /** Mean training throughput of this process: tokens over the wall time of the steps (compilation, evaluation excluded). */
    private static final class Throughput implements TrainingListener {
        long tokens;
        double seconds;

        @Override
        public void onStep(StepRecord record) {
            tokens += record.tokens();
            seconds += record.seconds();
        }
    }
}

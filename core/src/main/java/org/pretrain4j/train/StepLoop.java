package org.pretrain4j.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pretrain4j.data.Batch;
import org.pretrain4j.graph.Executable;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.spi.Objective;

/**
 * One optimizer step at a time: reads the step's micro-batches, runs the fused step program or the
 * accumulate programs then apply, checks the losses are finite and reports the step. Exact
 * accumulation: all micro-batches are read first, so each term's loss scale covers the whole step.
 */
final class StepLoop {
    private final TrainerConfig config;
    private final TrainingPrograms programs;
    private final Objective objective;
    private final CompiledPrograms compiled;
    private final ProgramInputs inputs;
    private final LearningRateSchedule schedule;
    private final boolean useFused;
    private final Executable fused;
    private final Executable accumulate;
    private final Executable apply;

    /** Compiles the step programs: the fused one when it exists and no accumulation needs the pair. */
    StepLoop(TrainerConfig config, TrainingPrograms programs, Objective objective, CompiledPrograms compiled,
            ProgramInputs inputs, LearningRateSchedule schedule) {
        this.config = config;
        this.programs = programs;
        this.objective = objective;
        this.compiled = compiled;
        this.inputs = inputs;
        this.schedule = schedule;
        this.useFused = programs.step().isPresent() && (config.accumulationSteps() == 1 || !programs.canAccumulate());
        if (useFused) {
            this.fused = compiled.compile(programs.step().get());
            this.accumulate = null;
            this.apply = null;
        } else {
            this.fused = null;
            this.accumulate = compiled.compile(programs.accumulate().get());
            this.apply = compiled.compile(programs.apply().get());
        }
    }

    /**
     * Runs step number {@code step} (1-based) on the next micro-batches of {@code stream};
     * {@code lastCheckpoint} is named in the error when a loss is not finite.
     */
    StepRecord run(BatchSource.Stream stream, long step, Optional<Path> lastCheckpoint) {
        long t0 = System.nanoTime();
        List<Batch> micro = new ArrayList<>(config.accumulationSteps());
        for (int j = 0; j < config.accumulationSteps(); j++) {
            Batch b = stream.next();
            if (b == null) {
                throw new TrainingException("The training data ended at " + stream.position()
                        + "; a training source must cycle through epochs");
            }
            micro.add(b);
        }
        double learningRate = schedule.at(step - 1);
        OutputSums sums = new OutputSums();
        Map<String, Long> counts = ProgramInputs.totalCounts(micro);
        for (int j = 0; j < micro.size(); j++) {
            Map<String, HostTensor> in = new HashMap<>(micro.get(j).inputs());
            inputs.putScalars(in, learningRate, step, Trainer.dropoutSeed(config.seed(), step, j), counts);
            sums.add(compiled.run(useFused ? fused : accumulate, in));
        }
        if (!useFused) {
            Map<String, HostTensor> in = new HashMap<>();
            inputs.putScalars(in, learningRate, step, Trainer.dropoutSeed(config.seed(), step, 0), counts);
            sums.add(compiled.run(apply, in));
        }
        checkFinite(step, sums, lastCheckpoint);
        long examples = micro.stream().mapToLong(Batch::examples).sum();
        long tokens = micro.stream().mapToLong(Batch::tokens).sum();
        double seconds = (System.nanoTime() - t0) / 1e9;
        OutputSums.Summary terms = sums.summarize(programs, objective);
        return new StepRecord(step, config.steps(), learningRate, terms.loss, terms.losses, terms.metrics,
                sums.other.getOrDefault(TrainingPrograms.GRADIENT_NORM, Double.NaN), examples, tokens, seconds,
                stream.position());
    }

    private static void checkFinite(long step, OutputSums sums, Optional<Path> lastCheckpoint) {
        for (Map.Entry<String, Map<String, Double>> term : sums.terms.entrySet()) {
            Double lossSum = term.getValue().get(TrainingPrograms.LOSS_SUM);
            if (lossSum != null && !Double.isFinite(lossSum)) {
                throw new NonFiniteLossException(step, term.getKey(), "the loss of term '" + term.getKey() + "' is " + lossSum
                        + " (loss_sum over " + format(term.getValue().get(TrainingPrograms.COUNT)) + " targets)", lastCheckpoint);
            }
        }
        Double norm = sums.other.get(TrainingPrograms.GRADIENT_NORM);
        if (norm != null && !Double.isFinite(norm)) {
            throw new NonFiniteLossException(step, TrainingPrograms.GRADIENT_NORM,
                    "the gradient norm is " + norm + " although every loss term is finite", lastCheckpoint);
        }
    }

    private static String format(Double v) {
        return v == null ? "?" : (v == Math.rint(v) ? Long.toString(v.longValue()) : v.toString());
    }
}

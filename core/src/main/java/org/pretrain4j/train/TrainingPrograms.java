package org.pretrain4j.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.pretrain4j.graph.Program;

/**
 * The programs a {@link Trainer} runs, as the model's training graphs build them, and the weight
 * of each loss term.
 *
 * <p>Inputs the trainer feeds, by name, to each program that declares them: every batch input;
 * {@value #LEARNING_RATE} and {@value #STEP} (the number of the update, from 1) as FLOAT32
 * scalars; {@value #DROPOUT_SEED} as an INT64 scalar in [0, 2^31); and for each term
 * {@code loss_scale/<term>} = term weight / targets of that term in the whole accumulated batch.
 * Outputs it reads: {@code <term>/loss_sum}, {@code <term>/count} and {@code <term>/<metric>}
 * sums, and {@value #GRADIENT_NORM}.
 *
 * <p>{@code step} is the fused program (forward, backward and optimizer in one); {@code accumulate}
 * adds one micro-batch's gradients into accumulators and {@code apply} runs the optimizer on them
 * and clears them. Either the fused program or the pair must be given (the pair is needed for
 * accumulation over more than one micro-batch); {@code evaluation} is forward-only and optional.
 * The programs share variables by name; the trainer keeps them consistent.
 */
public record TrainingPrograms(
        Optional<Program> step,
        Optional<Program> accumulate,
        Optional<Program> apply,
        Optional<Program> evaluation,
        Map<String, Double> termWeights) {

    public static final String LEARNING_RATE = TrainingGraphs.LEARNING_RATE;
    public static final String STEP = TrainingGraphs.STEP;
    public static final String DROPOUT_SEED = org.pretrain4j.nn.Transformer.DROPOUT_SEED;
    public static final String LOSS_SCALE_PREFIX = TrainingGraphs.LOSS_SCALE_PREFIX;
    public static final String GRADIENT_NORM = TrainingGraphs.GRADIENT_NORM;
    public static final String LOSS_SUM = "loss_sum";
    public static final String COUNT = "count";

    public TrainingPrograms {
        if (step.isEmpty() && (accumulate.isEmpty() || apply.isEmpty())) {
            throw new IllegalArgumentException("training programs need a fused step program or an accumulate/apply pair");
        }
        if (accumulate.isPresent() != apply.isPresent()) {
            throw new IllegalArgumentException("accumulate and apply programs come as a pair");
        }
        termWeights = Collections.unmodifiableMap(new LinkedHashMap<>(termWeights));
        termWeights.forEach((term, w) -> {
            if (!(w >= 0) || !Double.isFinite(w)) {
                throw new IllegalArgumentException("weight of loss term '" + term + "' must be finite and not negative, got " + w);
            }
        });
    }

    /**
     * The programs of a model's training graphs for a number of accumulation steps: the fused step
     * when it is 1, the accumulate/apply pair otherwise, and the evaluation step; with the graphs'
     * term weights. Only the programs the run needs are built.
     */
    public static TrainingPrograms of(TrainingGraphs graphs, int accumulationSteps) {
        if (accumulationSteps < 1) {
            throw new IllegalArgumentException("Invalid trainer setting 'accumulation-steps': must be at least 1, got " + accumulationSteps);
        }
        boolean fused = accumulationSteps == 1;
        return new TrainingPrograms(
                fused ? Optional.of(graphs.trainingStep()) : Optional.empty(),
                fused ? Optional.empty() : Optional.of(graphs.accumulationStep()),
                fused ? Optional.empty() : Optional.of(graphs.applyStep()),
                Optional.of(graphs.evaluationStep()),
                graphs.termWeights());
    }

    /** The weight of a term; 1 when not given. */
    public double weight(String term) {
        return termWeights.getOrDefault(term, 1.0);
    }

    /** True when steps of more than one micro-batch can run. */
    public boolean canAccumulate() {
        return accumulate.isPresent();
    }
}

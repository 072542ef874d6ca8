package org.pretrain4j.train;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.pretrain4j.data.Batch;
import org.pretrain4j.graph.Executable;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.graph.Program;
import org.pretrain4j.spi.Objective;

/**
 * Evaluation on the held-out split: when it is due, and the mean losses and metrics of the
 * evaluation program over {@code eval-batches} batches (all of them when 0), always from the start.
 */
final class Evaluator {
    private final TrainerConfig config;
    private final TrainingPrograms programs;
    private final Objective objective;
    private final BatchSource evalData;
    private final ProgramInputs inputs;

    Evaluator(TrainerConfig config, TrainingPrograms programs, Objective objective, BatchSource evalData, ProgramInputs inputs) {
        this.config = config;
        this.programs = programs;
        this.objective = objective;
        this.evalData = evalData;
        this.inputs = inputs;
    }

    /** Every {@code eval-every} steps, and after the last one. */
    boolean dueAt(long step, boolean end) {
        return (config.evalEvery() > 0 && step % config.evalEvery() == 0) || end;
    }

    /** Runs {@code exec} (compiled from {@code program}, its variables already current) over the held-out batches. */
    EvalRecord evaluate(long step, Executable exec, Program program) {
        long t0 = System.nanoTime();
        OutputSums sums = new OutputSums();
        int batches = 0;
        long examples = 0;
        long tokens = 0;
        Set<String> wanted = ProgramInputs.names(program);
        try (BatchSource.Stream stream = evalData.open(DataPosition.START)) {
            while (config.evalBatches() == 0 || batches < config.evalBatches()) {
                Batch b = stream.next();
                if (b == null) {
                    break;
                }
                Map<String, HostTensor> in = new HashMap<>(b.inputs());
                inputs.putScalars(in, 0.0, step, 0, b.counts());
                sums.add(exec.run(ProgramInputs.select(in, wanted, program)));
                batches++;
                examples += b.examples();
                tokens += b.tokens();
            }
        }
        if (batches == 0) {
            throw new TrainingException("The held-out data has no batches to evaluate on");
        }
        OutputSums.Summary terms = sums.summarize(programs, objective);
        return new EvalRecord(step, terms.loss, terms.losses, terms.metrics, batches, examples, tokens,
                (System.nanoTime() - t0) / 1e9);
    }
}

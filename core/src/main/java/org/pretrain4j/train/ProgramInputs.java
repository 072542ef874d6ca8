package org.pretrain4j.train;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pretrain4j.data.Batch;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.graph.Program;
import org.pretrain4j.graph.Tensor;

/**
 * The inputs of one program run: a batch's tensors plus the scalars the trainer adds (learning
 * rate, step, dropout seed and each term's loss scale), cut down to what the program declares.
 */
final class ProgramInputs {
    private final TrainingPrograms programs;

    ProgramInputs(TrainingPrograms programs) {
        this.programs = programs;
    }

    /** Adds the trainer's scalars; a term's loss scale is its weight over its targets in the whole step. */
    void putScalars(Map<String, HostTensor> inputs, double learningRate, long step, long dropoutSeed, Map<String, Long> counts) {
        inputs.put(TrainingPrograms.LEARNING_RATE, HostTensor.scalar((float) learningRate));
        inputs.put(TrainingPrograms.STEP, HostTensor.scalar((float) step));
        inputs.put(TrainingPrograms.DROPOUT_SEED, HostTensor.scalar(dropoutSeed));
        for (Map.Entry<String, Long> c : counts.entrySet()) {
            double scale = c.getValue() > 0 ? programs.weight(c.getKey()) / c.getValue() : 0.0;
            inputs.put(TrainingPrograms.LOSS_SCALE_PREFIX + c.getKey(), HostTensor.scalar((float) scale));
        }
    }

    /** Each term's number of targets over all micro-batches of a step. */
    static Map<String, Long> totalCounts(List<Batch> micro) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (Batch b : micro) {
            b.counts().forEach((term, n) -> counts.merge(term, n, Long::sum));
        }
        return counts;
    }

    static Set<String> names(Program program) {
        Set<String> names = new LinkedHashSet<>();
        for (Tensor t : program.inputs()) {
            names.add(t.name());
        }
        return names;
    }

    /** The inputs {@code program} declares, failing with the batch's own inputs named when one is missing. */
    static Map<String, HostTensor> select(Map<String, HostTensor> available, Set<String> wanted, Program program) {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        for (String n : wanted) {
            HostTensor t = available.get(n);
            if (t == null) {
                throw new TrainingException("Program '" + program.name() + "' needs input '" + n
                        + "' that neither the batch nor the trainer provides (batch inputs: "
                        + available.keySet().stream().filter(k -> !k.contains("/") && !isTrainerInput(k)).sorted().toList() + ")");
            }
            out.put(n, t);
        }
        return out;
    }

    private static boolean isTrainerInput(String name) {
        return name.equals(TrainingPrograms.LEARNING_RATE) || name.equals(TrainingPrograms.STEP)
                || name.equals(TrainingPrograms.DROPOUT_SEED);
    }
}

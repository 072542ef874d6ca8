package org.pretrain4j.train;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.pretrain4j.data.Batch;
import org.pretrain4j.data.RandomSource;
import org.pretrain4j.graph.DType;
import org.pretrain4j.graph.Executable;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.graph.Program;
import org.pretrain4j.graph.Tensor;
import org.pretrain4j.spi.Backend;
import org.pretrain4j.spi.Objective;

/**
 * Runs training: compiles the {@link TrainingPrograms} on a backend and steps through the data
 * with the learning-rate schedule, exact gradient accumulation, evaluation on the held-out split,
 * atomic checkpoints and exact resume. Library code: no console output, everything goes to
 * {@link TrainingListener}s. One run at a time; the caller owns the backend and data sources.
 *
 * <p>Exact accumulation: all micro-batches of a step are read first, so every term's loss scale is
 * its weight over its targets in the whole step; the step's loss is then the same as one big
 * batch's. Exact resume: a checkpoint holds every variable, the step and the data position, and
 * each step's dropout seed is a function of (seed, step, micro-batch), so a resumed run repeats
 * the uninterrupted run's losses.
 */
public final class Trainer {
    private final TrainerConfig config;
    private final Backend backend;
    private final TrainingPrograms programs;
    private final Objective objective;
    private final BatchSource trainData;
    private final BatchSource evalData;
    private final Path runDirectory;
    private final JsonNode runConfiguration;
    private final List<TrainingListener> listeners;
    private final boolean fallBackToOlderCheckpoint;
    private final CheckpointStore store;
    private final LearningRateSchedule schedule;
    private final Map<Executable, Program> programByExecutable = new HashMap<>();
    private volatile boolean stopRequested;

    private Trainer(Builder b) {
        this.config = requireNonNull(b.config, "config is null");
        this.backend = requireNonNull(b.backend, "backend is null");
        this.programs = requireNonNull(b.programs, "programs is null");
        this.objective = b.objective;
        this.trainData = b.trainData;
        this.evalData = b.evalData;
        this.runDirectory = requireNonNull(b.runDirectory, "runDirectory is null").toAbsolutePath();
        this.runConfiguration = b.runConfiguration == null ? JsonNodeFactory.instance.objectNode() : b.runConfiguration;
        List<TrainingListener> all = new ArrayList<>();
        if (b.metricsFile) {
            all.add(new JsonLinesMetricsWriter(runDirectory));
        }
        all.addAll(b.listeners);
        this.listeners = List.copyOf(all);
        this.fallBackToOlderCheckpoint = b.fallBackToOlderCheckpoint;
        this.store = new CheckpointStore(runDirectory.resolve("checkpoints"), temporary -> {
            for (TrainingListener l : listeners) {
                l.beforeCheckpointCommit(temporary);
            }
        });
        this.schedule = LearningRateSchedule.of(config);
        if (config.accumulationSteps() > 1 && !programs.canAccumulate()) {
            throw new IllegalArgumentException("Invalid trainer setting 'accumulation-steps': " + config.accumulationSteps()
                    + " needs accumulate/apply programs, but only a fused step program was given");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The checkpoints of this run. */
    public CheckpointStore checkpoints() {
        return store;
    }

    /** The dropout seed of a micro-batch: a function of (seed, step, micro-batch) in [0, 2^31). */
    public static long dropoutSeed(long seed, long step, int microBatch) {
        return RandomSource.of(seed, step, microBatch).fork("dropout").nextLong() >>> 33;
    }

    /**
     * Asks a running {@link #train()} or {@link #resume()} to stop after the step in progress, with a
     * checkpoint there, and return normally ({@link TrainingResult#completed()} false). Safe from any
     * thread, e.g. a Ctrl-C handler; the run can later be resumed exactly.
     */
    public void requestStop() {
        stopRequested = true;
    }

    /** Trains from the initial parameters; fails if the run directory already has checkpoints (resume it instead). */
    public TrainingResult train() {
        List<Path> existing = store.list();
        if (!existing.isEmpty()) {
            throw new TrainingException("Run directory " + runDirectory + " already has checkpoints (newest "
                    + existing.get(existing.size() - 1).getFileName() + "); resume it or choose another run directory");
        }
        store.removeIncomplete();
        return run(Optional.empty());
    }

    /**
     * Continues from the newest complete checkpoint. A damaged newest checkpoint fails naming the
     * file and why, unless the builder asked to fall back to older ones.
     */
    public TrainingResult resume() {
        store.removeIncomplete();
        Optional<Checkpoint> checkpoint = store.loadNewest(fallBackToOlderCheckpoint, this::message);
        if (checkpoint.isEmpty()) {
            throw new TrainingException("No checkpoint to resume from in " + store.directory());
        }
        for (Path aside : store.setAsideNewerThan(checkpoint.get().step())) {
            message("Set aside the damaged checkpoint as " + aside);
        }
        CheckpointMetadata m = checkpoint.get().metadata();
        if (m.seed() != config.seed()) {
            throw new TrainingException("Cannot resume " + checkpoint.get().directory() + " with seed " + config.seed()
                    + ": it was trained with seed " + m.seed() + " (the data order and masks depend on it)");
        }
        if (m.trainer().batchSize() != config.batchSize() || m.trainer().accumulationSteps() != config.accumulationSteps()) {
            message("Resuming with batch-size " + config.batchSize() + " x accumulation-steps " + config.accumulationSteps()
                    + " where the checkpoint used " + m.trainer().batchSize() + " x " + m.trainer().accumulationSteps()
                    + ": the run will not repeat an uninterrupted one exactly");
        }
        return run(checkpoint);
    }

    /** Evaluates the newest checkpoint's parameters on the held-out split (for an {@code evaluate} command). */
    public EvalRecord evaluateNewestCheckpoint() {
        Checkpoint checkpoint = store.loadNewest(fallBackToOlderCheckpoint, this::message)
                .orElseThrow(() -> new TrainingException("No checkpoint to evaluate in " + store.directory()));
        Program program = programs.evaluation()
                .orElseThrow(() -> new TrainingException("No evaluation program was given"));
        if (evalData == null) {
            throw new TrainingException("No held-out data was given to evaluate on");
        }
        try (Executable exec = compileOnLargeStack(backend, program)) {
            Set<String> names = new LinkedHashSet<>();
            for (Tensor v : program.variables()) {
                names.add(v.name());
            }
            Map<String, HostTensor> state = new LinkedHashMap<>();
            for (String n : names) {
                HostTensor t = checkpoint.tensors().get(n);
                if (t == null) {
                    throw new CheckpointException("Checkpoint " + checkpoint.directory() + " has no value for variable '" + n + "'");
                }
                state.put(n, t);
            }
            exec.loadState(state);
            return evaluate(checkpoint.step(), exec, program);
        }
    }

    private TrainingResult run(Optional<Checkpoint> from) {
        if (trainData == null) {
            throw new TrainingException("No training data was given");
        }
        long started = System.nanoTime();
        List<Executable> compiled = new ArrayList<>();
        SharedState state = new SharedState();
        Executable fused = null;
        Executable accumulate = null;
        Executable apply = null;
        Executable evaluation = null;
        boolean useFused = programs.step().isPresent() && (config.accumulationSteps() == 1 || !programs.canAccumulate());
        RuntimeException failure = null;
        TrainingResult result = null;
        try {
            if (useFused) {
                fused = compile(programs.step().get(), compiled, state);
            } else {
                accumulate = compile(programs.accumulate().get(), compiled, state);
                apply = compile(programs.apply().get(), compiled, state);
            }
            if (programs.evaluation().isPresent() && evalData != null) {
                evaluation = compile(programs.evaluation().get(), compiled, state);
            }
            long step = 0;
            DataPosition position = DataPosition.START;
            Optional<Path> lastCheckpoint = Optional.empty();
            if (from.isPresent()) {
                Checkpoint c = from.get();
                state.load(c.tensors(), "Checkpoint " + c.directory());
                step = c.step();
                position = c.metadata().dataPosition();
                lastCheckpoint = Optional.of(c.directory());
            }
            if (step > config.steps()) {
                throw new TrainingException("The checkpoint is at step " + step + ", past the configured steps " + config.steps());
            }
            TrainingStart start = new TrainingStart(config, runDirectory, step, from.map(Checkpoint::directory), backend.threads());
            for (TrainingListener l : listeners) {
                l.onStart(start);
            }
            StepRecord last = null;
            EvalRecord lastEval = null;
            try (BatchSource.Stream stream = trainData.open(position)) {
                while (step < config.steps()) {
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
                    step++;
                    double learningRate = schedule.at(step - 1);
                    Sums sums = new Sums();
                    Map<String, Long> counts = totalCounts(micro);
                    for (int j = 0; j < micro.size(); j++) {
                        Map<String, HostTensor> inputs = new HashMap<>(micro.get(j).inputs());
                        putScalars(inputs, learningRate, step, dropoutSeed(config.seed(), step, j), counts);
                        Executable exec = useFused ? fused : accumulate;
                        sums.add(runOne(exec, inputs, state));
                    }
                    if (!useFused) {
                        Map<String, HostTensor> inputs = new HashMap<>();
                        putScalars(inputs, learningRate, step, dropoutSeed(config.seed(), step, 0), counts);
                        sums.add(runOne(apply, inputs, state));
                    }
                    checkFinite(step, sums, lastCheckpoint);
                    long examples = micro.stream().mapToLong(Batch::examples).sum();
                    long tokens = micro.stream().mapToLong(Batch::tokens).sum();
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    Terms terms = terms(sums);
                    last = new StepRecord(step, config.steps(), learningRate, terms.loss, terms.losses, terms.metrics,
                            sums.other.getOrDefault(TrainingPrograms.GRADIENT_NORM, Double.NaN), examples, tokens, seconds,
                            stream.position());
                    for (TrainingListener l : listeners) {
                        l.onStep(last);
                    }
                    boolean end = step == config.steps();
                    if (evaluation != null && ((config.evalEvery() > 0 && step % config.evalEvery() == 0) || end)) {
                        state.beforeRun(evaluation);
                        lastEval = evaluate(step, evaluation, programs.evaluation().get());
                        for (TrainingListener l : listeners) {
                            l.onEvaluation(lastEval);
                        }
                    }
                    boolean stop = stopRequested && !end;
                    if ((config.checkpointEvery() > 0 && step % config.checkpointEvery() == 0) || end || stop) {
                        CheckpointMetadata metadata = new CheckpointMetadata(CheckpointMetadata.FORMAT, step, stream.position(),
                                config.seed(), config, programs.termWeights(), runConfiguration, Instant.now().toString());
                        Path written = store.write(metadata, state.read(), config.keepCheckpoints());
                        lastCheckpoint = Optional.of(written);
                        for (TrainingListener l : listeners) {
                            l.onCheckpoint(step, written);
                        }
                    }
                    if (stop) {
                        message("Stopped on request after step " + step + " of " + config.steps() + "; resume from " + lastCheckpoint.get());
                        break;
                    }
                }
            }
            result = new TrainingResult(step, step == config.steps(), Optional.ofNullable(last), Optional.ofNullable(lastEval),
                    lastCheckpoint, (System.nanoTime() - started) / 1e9);
            for (TrainingListener l : listeners) {
                l.onFinish(result);
            }
            return result;
        } catch (RuntimeException e) {
            failure = e;
            for (TrainingListener l : listeners) {
                try {
                    l.onFailure(e);
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        } finally {
            for (Executable e : compiled) {
                try {
                    e.close();
                } catch (RuntimeException closing) {
                    if (failure != null) {
                        failure.addSuppressed(closing);
                    }
                }
            }
        }
    }

    private Executable compile(Program program, List<Executable> compiled, SharedState state) {
        Executable e = compileOnLargeStack(backend, program);
        compiled.add(e);
        programByExecutable.put(e, program);
        state.register(e, program);
        return e;
    }

    /**
     * Compiles on a thread with a 64 MB stack. ONNX Runtime 1.29's session creation recurses in
     * native code deeply enough that the training graph of the {@code tiny} preset crashes the JVM
     * (SIGSEGV, no error report) on a default 1 MB thread stack, which is what {@code main} runs on.
     */
    static Executable compileOnLargeStack(Backend backend, Program program) {
        Executable[] result = new Executable[1];
        Throwable[] error = new Throwable[1];
        Thread compiler = new Thread(null, () -> {
            try {
                result[0] = backend.compile(program);
            } catch (Throwable t) {
                error[0] = t;
            }
        }, "pretrain4j-compile-" + program.name(), 64L << 20);
        compiler.start();
        boolean interrupted = false;
        while (true) {
            try {
                compiler.join();
                break;
            } catch (InterruptedException e) {
                // The executable must not leak: wait for it, then restore the interrupt.
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (error[0] instanceof RuntimeException r) {
            throw r;
        }
        if (error[0] instanceof Error err) {
            throw err;
        }
        if (error[0] != null) {
            throw new TrainingException("Compiling program '" + program.name() + "' failed: " + error[0], error[0]);
        }
        return result[0];
    }

    private EvalRecord evaluate(long step, Executable exec, Program program) {
        long t0 = System.nanoTime();
        Sums sums = new Sums();
        int batches = 0;
        long examples = 0;
        long tokens = 0;
        Set<String> wanted = inputNames(program);
        try (BatchSource.Stream stream = evalData.open(DataPosition.START)) {
            while (config.evalBatches() == 0 || batches < config.evalBatches()) {
                Batch b = stream.next();
                if (b == null) {
                    break;
                }
                Map<String, HostTensor> inputs = new HashMap<>(b.inputs());
                putScalars(inputs, 0.0, step, 0, b.counts());
                sums.add(exec.run(select(inputs, wanted, program)));
                batches++;
                examples += b.examples();
                tokens += b.tokens();
            }
        }
        if (batches == 0) {
            throw new TrainingException("The held-out data has no batches to evaluate on");
        }
        Terms terms = terms(sums);
        return new EvalRecord(step, terms.loss, terms.losses, terms.metrics, batches, examples, tokens,
                (System.nanoTime() - t0) / 1e9);
    }

    private Map<String, HostTensor> runOne(Executable exec, Map<String, HostTensor> inputs, SharedState state) {
        state.beforeRun(exec);
        Program program = programOf(exec);
        Map<String, HostTensor> out = exec.run(select(inputs, inputNames(program), program));
        state.afterRun(exec);
        return out;
    }

    private Program programOf(Executable exec) {
        return programByExecutable.get(exec);
    }

    private static Set<String> inputNames(Program program) {
        Set<String> names = new LinkedHashSet<>();
        for (Tensor t : program.inputs()) {
            names.add(t.name());
        }
        return names;
    }

    private static Map<String, HostTensor> select(Map<String, HostTensor> available, Set<String> wanted, Program program) {
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

    private void putScalars(Map<String, HostTensor> inputs, double learningRate, long step, long dropoutSeed, Map<String, Long> counts) {
        inputs.put(TrainingPrograms.LEARNING_RATE, HostTensor.scalar((float) learningRate));
        inputs.put(TrainingPrograms.STEP, HostTensor.scalar((float) step));
        inputs.put(TrainingPrograms.DROPOUT_SEED, HostTensor.scalar(dropoutSeed));
        for (Map.Entry<String, Long> c : counts.entrySet()) {
            double scale = c.getValue() > 0 ? programs.weight(c.getKey()) / c.getValue() : 0.0;
            inputs.put(TrainingPrograms.LOSS_SCALE_PREFIX + c.getKey(), HostTensor.scalar((float) scale));
        }
    }

    private static Map<String, Long> totalCounts(List<Batch> micro) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (Batch b : micro) {
            b.counts().forEach((term, n) -> counts.merge(term, n, Long::sum));
        }
        return counts;
    }

    private void checkFinite(long step, Sums sums, Optional<Path> lastCheckpoint) {
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

    private Terms terms(Sums sums) {
        Terms t = new Terms();
        for (Map.Entry<String, Map<String, Double>> e : sums.terms.entrySet()) {
            String term = e.getKey();
            Map<String, Double> s = e.getValue();
            double count = s.getOrDefault(TrainingPrograms.COUNT, 0.0);
            if (count > 0) {
                double mean = s.getOrDefault(TrainingPrograms.LOSS_SUM, 0.0) / count;
                t.losses.put(term, mean);
                t.loss += programs.weight(term) * mean;
            }
            if (objective != null && count > 0) {
                t.metrics.putAll(objective.metrics(term, Map.copyOf(s)));
            }
        }
        return t;
    }

    private void message(String text) {
        for (TrainingListener l : listeners) {
            l.onMessage(text);
        }
    }

    /** Per-term sums of outputs named {@code <term>/<name>}, and the last value of every other scalar output. */
    private static final class Sums {
        final Map<String, Map<String, Double>> terms = new LinkedHashMap<>();
        final Map<String, Double> other = new LinkedHashMap<>();

        void add(Map<String, HostTensor> outputs) {
            for (Map.Entry<String, HostTensor> e : outputs.entrySet()) {
                HostTensor t = e.getValue();
                if (t.size() != 1) {
                    continue;
                }
                double v = t.dtype() == DType.INT64 ? t.longs()[0] : t.floats()[0];
                String name = e.getKey();
                int slash = name.lastIndexOf('/');
                if (slash > 0 && !name.startsWith(TrainingPrograms.LOSS_SCALE_PREFIX)) {
                    terms.computeIfAbsent(name.substring(0, slash), k -> new LinkedHashMap<>())
                            .merge(name.substring(slash + 1), v, Double::sum);
                } else {
                    other.put(name, v);
                }
            }
        }
    }

    private static final class Terms {
        final Map<String, Double> losses = new LinkedHashMap<>();
        final Map<String, Double> metrics = new LinkedHashMap<>();
        double loss;
    }

    /** Builds a {@link Trainer}; config, backend, programs and run directory are required. */
    public static final class Builder {
        private TrainerConfig config;
        private Backend backend;
        private TrainingPrograms programs;
        private Objective objective;
        private BatchSource trainData;
        private BatchSource evalData;
        private Path runDirectory;
        private JsonNode runConfiguration;
        private final List<TrainingListener> listeners = new ArrayList<>();
        private boolean fallBackToOlderCheckpoint;
        private boolean metricsFile = true;

        private Builder() {}

        public Builder config(TrainerConfig v) { config = v; return this; }
        public Builder backend(Backend v) { backend = v; return this; }
        public Builder programs(TrainingPrograms v) { programs = v; return this; }
        /** The objective whose {@link Objective#metrics} turns summed outputs into reported metrics (optional). */
        public Builder objective(Objective v) { objective = v; return this; }
        public Builder trainData(BatchSource v) { trainData = v; return this; }
        /** The held-out split (optional: without it there is no evaluation). */
        public Builder evalData(BatchSource v) { evalData = v; return this; }
        /** Where checkpoints ({@code checkpoints/}) and {@code metrics.jsonl} go. */
        public Builder runDirectory(Path v) { runDirectory = v; return this; }
        /** The caller's full configuration, stored verbatim in every checkpoint. */
        public Builder runConfiguration(JsonNode v) { runConfiguration = v; return this; }
        public Builder listener(TrainingListener v) { listeners.add(requireNonNull(v, "listener is null")); return this; }
        /** When the newest checkpoint is damaged, resume from the newest good one instead of failing (default false). */
        public Builder fallBackToOlderCheckpoint(boolean v) { fallBackToOlderCheckpoint = v; return this; }
        /** Whether to write {@code metrics.jsonl} (default true). */
        public Builder metricsFile(boolean v) { metricsFile = v; return this; }

        public Trainer build() {
            return new Trainer(this);
        }
    }
}

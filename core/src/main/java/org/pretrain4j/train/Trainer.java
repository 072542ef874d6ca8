package org.pretrain4j.train;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.pretrain4j.data.RandomSource;
import org.pretrain4j.graph.Executable;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.graph.Program;
import org.pretrain4j.graph.Tensor;
import org.pretrain4j.spi.Backend;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.train.checkpoint.Checkpoint;
import org.pretrain4j.train.checkpoint.CheckpointException;
import org.pretrain4j.train.checkpoint.CheckpointMetadata;
import org.pretrain4j.train.checkpoint.CheckpointStore;

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
 *
 * <p>The pieces, one job each: {@link StepLoop} runs one optimizer step, {@link Evaluator} runs the
 * held-out evaluation and says when it is due, {@link CheckpointPolicy} says when to checkpoint and
 * what goes in, {@link StopRequest} carries a stop request across threads, {@link CompiledPrograms}
 * owns the executables and their shared state, {@link Listeners} fans events out. This class wires
 * them into train, resume and evaluate. Compiling may need a large native stack (ONNX Runtime's
 * session creation does); that is the backend's business, not the trainer's.
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
    private final Listeners listeners;
    private final boolean fallBackToOlderCheckpoint;
    private final CheckpointStore store;
    private final LearningRateSchedule schedule;
    private final ProgramInputs inputs;
    private final Evaluator evaluator;
    private final CheckpointPolicy checkpointPolicy;
    private final StopRequest stopRequest = new StopRequest();
    private final Map<String, HostTensor> initialState;
    private final List<String> initialMessages;

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
        this.listeners = new Listeners(all);
        this.fallBackToOlderCheckpoint = b.fallBackToOlderCheckpoint;
        this.initialState = b.initialState;
        this.initialMessages = b.initialMessages;
        this.store = new CheckpointStore(runDirectory.resolve("checkpoints"), listeners::beforeCheckpointCommit);
        this.schedule = LearningRateSchedule.of(config);
        this.inputs = new ProgramInputs(programs);
        this.evaluator = new Evaluator(config, programs, objective, evalData, inputs);
        this.checkpointPolicy = new CheckpointPolicy(config, programs, runConfiguration, store);
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
        stopRequest.request();
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
        return evaluate(store.loadNewest(fallBackToOlderCheckpoint, this::message)
                .orElseThrow(() -> new TrainingException("No checkpoint to evaluate in " + store.directory())));
    }

    /**
     * Held-out evaluation of the kept checkpoint of {@code step}; a step with no checkpoint fails
     * naming the steps that have one.
     */
    public EvalRecord evaluateCheckpoint(long step) {
        List<Path> kept = store.list();
        Path match = kept.stream().filter(p -> CheckpointStore.stepOf(p) == step).findFirst()
                .orElseThrow(() -> new TrainingException("No checkpoint of step " + step + " in " + store.directory()
                        + "; kept steps: " + (kept.isEmpty() ? "none" : kept.stream().map(p -> Long.toString(CheckpointStore.stepOf(p)))
                        .collect(java.util.stream.Collectors.joining(", ")))));
        return evaluate(store.load(match));
    }

    private EvalRecord evaluate(Checkpoint checkpoint) {
        Program program = programs.evaluation()
                .orElseThrow(() -> new TrainingException("No evaluation program was given"));
        if (evalData == null) {
            throw new TrainingException("No held-out data was given to evaluate on");
        }
        try (Executable exec = backend.compile(program)) {
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
            return evaluator.evaluate(checkpoint.step(), exec, program);
        }
    }

    /** The step loop: restore, then step, evaluate, checkpoint and stop as {@link StepLoop}, {@link Evaluator}, {@link CheckpointPolicy} and {@link StopRequest} decide. */
    private TrainingResult run(Optional<Checkpoint> from) {
        if (trainData == null) {
            throw new TrainingException("No training data was given");
        }
        long started = System.nanoTime();
        CompiledPrograms compiled = new CompiledPrograms(backend);
        RuntimeException failure = null;
        try {
            StepLoop loop = new StepLoop(config, programs, objective, compiled, inputs, schedule);
            Executable evaluation = programs.evaluation().isPresent() && evalData != null
                    ? compiled.compile(programs.evaluation().get()) : null;
            long step = 0;
            DataPosition position = DataPosition.START;
            Optional<Path> lastCheckpoint = Optional.empty();
            if (from.isPresent()) {
                Checkpoint c = from.get();
                compiled.state().load(c.tensors(), "Checkpoint " + c.directory());
                step = c.step();
                position = c.metadata().dataPosition();
                lastCheckpoint = Optional.of(c.directory());
            } else if (!initialState.isEmpty()) {
                compiled.state().loadInitial(initialState);
            }
            if (step > config.steps()) {
                throw new TrainingException("The checkpoint is at step " + step + ", past the configured steps " + config.steps());
            }
            listeners.onStart(new TrainingStart(config, runDirectory, step, from.map(Checkpoint::directory), backend.threads()));
            if (from.isEmpty()) {
                initialMessages.forEach(this::message);
            }
            StepRecord last = null;
            EvalRecord lastEval = null;
            try (BatchSource.Stream stream = trainData.open(position)) {
                while (step < config.steps()) {
                    last = loop.run(stream, step + 1, lastCheckpoint);
                    step = last.step();
                    listeners.onStep(last);
                    boolean end = step == config.steps();
                    if (evaluation != null && evaluator.dueAt(step, end)) {
                        compiled.state().beforeRun(evaluation);
                        lastEval = evaluator.evaluate(step, evaluation, programs.evaluation().get());
                        listeners.onEvaluation(lastEval);
                    }
                    boolean stop = stopRequest.stopsAfter(step, end);
                    if (checkpointPolicy.dueAt(step, end, stop)) {
                        Path written = checkpointPolicy.write(step, stream.position(), compiled.state().read());
                        lastCheckpoint = Optional.of(written);
                        listeners.onCheckpoint(step, written);
                    }
                    if (stop) {
                        message("Stopped on request after step " + step + " of " + config.steps() + "; resume from " + lastCheckpoint.get());
                        break;
                    }
                }
            }
            TrainingResult result = new TrainingResult(step, step == config.steps(), Optional.ofNullable(last),
                    Optional.ofNullable(lastEval), lastCheckpoint, (System.nanoTime() - started) / 1e9);
            listeners.onFinish(result);
            return result;
        } catch (RuntimeException e) {
            failure = e;
            listeners.onFailure(e);
            throw e;
        } finally {
            compiled.closeAll(failure);
        }
    }

    private void message(String text) {
        listeners.onMessage(text);
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
        private Map<String, HostTensor> initialState = Map.of();
        private List<String> initialMessages = List.of();

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

        /**
         * Values that replace the initial values of the named variables when training starts from
         * scratch (e.g. a published checkpoint's weights); the others keep theirs. {@code messages}
         * (what was loaded, what was missing) go to the listeners once the run has started. Ignored
         * on resume: the checkpoint holds everything.
         */
        public Builder initialState(Map<String, HostTensor> values, List<String> messages) {
            initialState = Map.copyOf(values);
            initialMessages = List.copyOf(messages);
            return this;
        }

        public Trainer build() {
            return new Trainer(this);
        }
    }
}

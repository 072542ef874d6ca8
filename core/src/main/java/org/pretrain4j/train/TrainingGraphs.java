package org.pretrain4j.train;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.pretrain4j.data.ExampleLayout;
import org.pretrain4j.graph.AdamW;
import org.pretrain4j.graph.Autodiff;
import org.pretrain4j.graph.DType;
import org.pretrain4j.graph.Graph;
import org.pretrain4j.graph.GraphException;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.graph.Init;
import org.pretrain4j.graph.Op;
import org.pretrain4j.graph.Program;
import org.pretrain4j.graph.Shape;
import org.pretrain4j.graph.StateUpdate;
import org.pretrain4j.graph.Tensor;
import org.pretrain4j.nn.Layers;
import org.pretrain4j.nn.Transformer;
import org.pretrain4j.nn.TransformerConfig;
import org.pretrain4j.spi.AttentionKind;
import org.pretrain4j.spi.LossTerm;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.text.SpecialTokens;

/**
 * Builds the programs of a run from a model configuration and an objective (possibly composed):
 * training steps, the evaluation step and the export graphs. Every program uses the same variable
 * names and the same seed, so every program starts from the same parameters and a state map read
 * from one loads into another ({@link #stateFor}).
 *
 * <h2>Training step ({@link #trainingStep()}, program "train_step", gradient accumulation 1)</h2>
 * Inputs:
 * <ul>
 * <li>the batch: {@code input_ids}, {@code attention_mask} and, for encoders, {@code token_type_ids}
 *     (INT64 {@code [batch_size, sequence_length]}) plus the objective's own inputs. Feed only the
 *     names of {@link Program#inputs()}: a decoder has no {@code token_type_ids};</li>
 * <li>{@code learning_rate}, {@code step} (1 for the first update): FLOAT32 scalars;</li>
 * <li>{@code dropout_seed}: INT64 scalar in {@code [0, 2^31)}, a new one every step (absent when
 *     the configuration has no dropout);</li>
 * <li>{@code loss_scale/<term>} for each loss term: FLOAT32 scalar = term weight / number of
 *     targets of the term in the whole accumulated batch; {@link #lossScales} computes them from
 *     the summed {@code Batch.counts()}.</li>
 * </ul>
 * Outputs: {@code loss} (sum over terms of loss_sum x loss_scale, so the losses of the micro-batches
 * of one update add up to the update's weighted mean loss), {@code <term>/loss_sum},
 * {@code <term>/count}, {@code <term>/<metric>} for each metric sum of the term, and
 * {@code gradient_norm} (global norm before clipping). State updates: parameters and the AdamW
 * moments {@code adam_m/<parameter>}, {@code adam_v/<parameter>}.
 *
 * <h2>Gradient accumulation k &gt; 1</h2>
 * {@link #accumulationStep()} ("accumulate_step") takes the batch, {@code dropout_seed} and the loss
 * scales like the training step, outputs the same loss and term outputs, and adds the gradients to
 * the variables {@code grad_acc/<parameter>} (parameters are read, not changed).
 * {@link #applyStep()} ("apply_step") takes {@code learning_rate} and {@code step}, runs AdamW on
 * {@code grad_acc/*}, sets them to zero, and outputs {@code gradient_norm}. The two programs share
 * the parameters and {@code grad_acc/*} by name: a backend compiles them separately, so the trainer
 * moves that state between the two executables with {@code readState} / {@code loadState}.
 *
 * <h2>Evaluation ({@link #evaluationStep()}, "eval_step")</h2>
 * The batch in; the term outputs {@code <term>/loss_sum}, {@code <term>/count},
 * {@code <term>/<metric>} out; no dropout, no state change.
 *
 * <h2>Export ({@link #exportPrograms()})</h2>
 * Encoders: "model" with inputs {@code input_ids, attention_mask, token_type_ids} and the objective's
 * inference outputs ({@code logits [batch_size, sequence_length, V]}, {@code seq_relationship_logits
 * [batch_size, 2]} with NSP); "encoder" with exactly {@code output_0 [batch_size, sequence_length, H]}
 * (last hidden state) and {@code output_1 [batch_size, H]} (tanh pooler over [CLS], variables
 * {@code pooler/dense/weight} and {@code pooler/dense/bias}, shared with NSP's pooler when the run
 * has one). Decoders: "model" with the key-value cache of {@link Transformer#buildCachedDecoder}:
 * inputs {@code input_ids}, {@code attention_mask [batch_size, total_sequence_length]},
 * {@code position_ids}, {@code past_key_values.{i}.key/.value}; outputs {@code logits} and
 * {@code present.{i}.key/.value}.
 */
public final class TrainingGraphs {
    public static final String LEARNING_RATE = "learning_rate";
    public static final String STEP = "step";
    public static final String LOSS = "loss";
    public static final String GRADIENT_NORM = "gradient_norm";
    public static final String LOSS_SCALE_PREFIX = "loss_scale/";
    public static final String GRADIENT_ACCUMULATOR_PREFIX = "grad_acc/";
    public static final String POOLER = "pooler/dense";
    /** Names of the encoder feature-extraction outputs Tribuo reads. */
    public static final String LAST_HIDDEN_STATE = "output_0";
    public static final String POOLED_OUTPUT = "output_1";

    private final TransformerConfig config;
    private final SpecialTokens specialTokens;
    private final Objective objective;
    private final AdamW.Config optimizer;
    private final long seed;
    private final Map<String, Double> termWeights;

    /**
     * Checks that the configuration and the objective fit (attention kind, token types for sentence
     * pairs, vocabulary) by building the evaluation graph once; fails with a message naming the
     * mismatch.
     */
    public TrainingGraphs(TransformerConfig config, SpecialTokens specialTokens, Objective objective,
            AdamW.Config optimizer, long seed) {
        this.config = requireNonNull(config, "config is null");
        this.specialTokens = requireNonNull(specialTokens, "specialTokens is null");
        this.objective = requireNonNull(objective, "objective is null");
        this.optimizer = requireNonNull(optimizer, "optimizer is null");
        this.seed = seed;
        if (objective.attention() != config.attention()) {
            throw new GraphException("objective " + objective.name() + " needs " + describe(objective.attention())
                    + " attention but the model is configured " + describe(config.attention()));
        }
        if (objective.layout().orElse(ExampleLayout.PACKED_BLOCKS).pairs() && config.typeVocabularySize() < 2) {
            throw new GraphException("objective " + objective.name() + " lays out sentence pairs, which need"
                    + " at least 2 token types, but the model has " + config.typeVocabularySize());
        }
        Map<String, Double> weights = new LinkedHashMap<>();
        for (LossTerm term : forward(new Graph(), false).terms) {
            weights.put(term.name(), term.weight());
        }
        this.termWeights = Collections.unmodifiableMap(weights);
    }

    public TransformerConfig config() {
        return config;
    }

    public Objective objective() {
        return objective;
    }

    /** The loss terms' names, in the order the objective builds them. */
    public List<String> terms() {
        return List.copyOf(termWeights.keySet());
    }

    /** The weight of each loss term in the total loss. */
    public Map<String, Double> termWeights() {
        return termWeights;
    }

    /** Name of the loss-scale input of a term. */
    public static String lossScaleName(String term) {
        return LOSS_SCALE_PREFIX + term;
    }

    /** Name of the gradient accumulator of a parameter. */
    public static String gradientAccumulatorName(String parameter) {
        return GRADIENT_ACCUMULATOR_PREFIX + parameter;
    }

    /**
     * The {@code loss_scale/<term>} inputs for one optimizer update: weight / count, where
     * {@code counts} holds each term's number of targets summed over every micro-batch of the
     * update. A term with no targets gets scale 0 (it adds nothing, rather than NaN).
     */
    public Map<String, HostTensor> lossScales(Map<String, Long> counts) {
        requireNonNull(counts, "counts is null");
        Map<String, HostTensor> scales = new LinkedHashMap<>();
        for (Map.Entry<String, Double> term : termWeights.entrySet()) {
            Long count = counts.get(term.getKey());
            if (count == null) {
                throw new IllegalArgumentException("the batch has no target count for loss term '" + term.getKey()
                        + "' (has " + counts.keySet() + "); the objective's collate must call BatchBuilder.count");
            }
            float scale = count == 0 ? 0f : (float) (term.getValue() / count);
            scales.put(lossScaleName(term.getKey()), HostTensor.scalar(scale));
        }
        return scales;
    }

    /** The fused training step (gradients and AdamW in one program), for gradient accumulation 1. */
    public Program trainingStep() {
        Graph g = new Graph();
        Forward f = forward(g, true);
        Tensor loss = weightedLoss(g, f.terms);
        Map<String, Tensor> outputs = termOutputs(f.terms);
        outputs.put(LOSS, loss);
        List<Tensor> parameters = trainableParameters(loss);
        List<Tensor> gradients = Autodiff.gradients(loss, parameters);
        AdamW.Result result = AdamW.apply(g, parameters, gradients, optimizer,
                g.input(LEARNING_RATE, DType.FLOAT32, Shape.scalar()), g.input(STEP, DType.FLOAT32, Shape.scalar()));
        outputs.put(GRADIENT_NORM, result.gradientNorm());
        return new Program("train_step", g, outputs, result.updates(), seed);
    }

    /** Forward and backward of one micro-batch, adding the gradients to {@code grad_acc/*}. */
    public Program accumulationStep() {
        Graph g = new Graph();
        Forward f = forward(g, true);
        Tensor loss = weightedLoss(g, f.terms);
        Map<String, Tensor> outputs = termOutputs(f.terms);
        outputs.put(LOSS, loss);
        List<Tensor> parameters = trainableParameters(loss);
        List<Tensor> gradients = Autodiff.gradients(loss, parameters);
        List<StateUpdate> updates = new ArrayList<>();
        for (int i = 0; i < parameters.size(); i++) {
            Tensor accumulator = accumulator(g, parameters.get(i));
            updates.add(new StateUpdate(accumulator, g.add(accumulator, gradients.get(i))));
        }
        return new Program("accumulate_step", g, outputs, updates, seed);
    }

    /** AdamW on the accumulated gradients {@code grad_acc/*}, which it then sets to zero. */
    public Program applyStep() {
        Graph g = new Graph();
        Forward f = forward(g, false);
        // The forward only declares the parameters (with their initialisers); the program does not run it.
        List<Tensor> parameters = trainableParameters(weightedLoss(g, f.terms));
        List<Tensor> accumulators = new ArrayList<>();
        for (Tensor p : parameters) {
            accumulators.add(accumulator(g, p));
        }
        AdamW.Result result = AdamW.apply(g, parameters, accumulators, optimizer,
                g.input(LEARNING_RATE, DType.FLOAT32, Shape.scalar()), g.input(STEP, DType.FLOAT32, Shape.scalar()));
        List<StateUpdate> updates = new ArrayList<>(result.updates());
        Tensor zero = g.scalar(0);
        for (Tensor a : accumulators) {
            updates.add(new StateUpdate(a, g.expand(zero, a)));
        }
        Map<String, Tensor> outputs = new LinkedHashMap<>();
        outputs.put(GRADIENT_NORM, result.gradientNorm());
        return new Program("apply_step", g, outputs, updates, seed);
    }

    /** Forward only, without dropout: the term outputs of a batch. */
    public Program evaluationStep() {
        Graph g = new Graph();
        Forward f = forward(g, false);
        return new Program("eval_step", g, termOutputs(f.terms), List.of(), seed);
    }

    /**
     * The forward-only export graphs, by file stem: "model" (and "encoder" for encoders). See the
     * class comment for their inputs and outputs.
     */
    public Map<String, Program> exportPrograms() {
        Map<String, Program> programs = new LinkedHashMap<>();
        if (config.attention() == AttentionKind.CAUSAL) {
            Graph g = new Graph();
            Transformer model = Transformer.buildCachedDecoder(g, config, specialTokens);
            Map<String, Tensor> outputs = inferenceOutputs(model);
            for (Map.Entry<String, Tensor> e : model.presentKeyValues().entrySet()) {
                putOutput(outputs, e.getKey(), e.getValue());
            }
            programs.put("model", new Program("model", g, outputs, List.of(), seed));
        } else {
            Graph g = new Graph();
            Transformer model = Transformer.build(g, config, specialTokens, false);
            programs.put("model", new Program("model", g, inferenceOutputs(model), List.of(), seed));
            programs.put("encoder", encoderProgram());
        }
        return programs;
    }

    /** The feature-extraction graph for Tribuo: {@code output_0} and {@code output_1}. */
    private Program encoderProgram() {
        Graph g = new Graph();
        Transformer model = Transformer.build(g, config, specialTokens, false);
        Tensor hidden = model.hidden();
        Tensor first = g.squeeze(g.slice(hidden, 1, 0, 1), 1);
        Tensor pooled = g.tanh(Layers.dense(g, POOLER, first, config.hidden(), config.initializerRange()));
        Map<String, Tensor> outputs = new LinkedHashMap<>();
        outputs.put(LAST_HIDDEN_STATE, hidden);
        outputs.put(POOLED_OUTPUT, pooled);
        return new Program("encoder", g, outputs, List.of(), seed);
    }

    /**
     * The entries of {@code state} that are variables of {@code program}, e.g. the parameters of a
     * training state (which also holds optimizer moments) for an evaluation or export program.
     */
    public static Map<String, HostTensor> stateFor(Program program, Map<String, HostTensor> state) {
        Map<String, HostTensor> selected = new LinkedHashMap<>();
        for (Tensor v : program.variables()) {
            HostTensor value = state.get(v.name());
            if (value != null) {
                selected.put(v.name(), value);
            }
        }
        return selected;
    }

    // ---- building blocks ----

    private record Forward(Transformer model, List<LossTerm> terms) {}

    private Forward forward(Graph g, boolean training) {
        Transformer model = Transformer.build(g, config, specialTokens, training);
        List<LossTerm> terms = objective.buildLoss(model);
        if (terms.isEmpty()) {
            throw new GraphException("objective " + objective.name() + " built no loss term");
        }
        Set<String> names = new HashSet<>();
        for (LossTerm t : terms) {
            if (!names.add(t.name())) {
                throw new GraphException("objective " + objective.name() + " built loss term '" + t.name() + "' twice");
            }
            if (t.lossSum().dtype() != DType.FLOAT32 || t.count().dtype() != DType.FLOAT32) {
                throw new GraphException("loss term '" + t.name() + "': loss sum and count must be FLOAT32 scalars");
            }
        }
        return new Forward(model, terms);
    }

    private static Tensor weightedLoss(Graph g, List<LossTerm> terms) {
        Tensor loss = null;
        for (LossTerm t : terms) {
            Tensor scale = g.input(lossScaleName(t.name()), DType.FLOAT32, Shape.scalar());
            Tensor part = g.mul(t.lossSum(), scale);
            loss = loss == null ? part : g.add(loss, part);
        }
        return loss;
    }

    private static Map<String, Tensor> termOutputs(List<LossTerm> terms) {
        Map<String, Tensor> outputs = new LinkedHashMap<>();
        for (LossTerm t : terms) {
            putOutput(outputs, t.name() + "/loss_sum", t.lossSum());
            putOutput(outputs, t.name() + "/count", t.count());
            for (Map.Entry<String, Tensor> m : new TreeMap<>(t.metricSums()).entrySet()) {
                putOutput(outputs, t.name() + "/" + m.getKey(), m.getValue());
            }
        }
        return outputs;
    }

    private Map<String, Tensor> inferenceOutputs(Transformer model) {
        Map<String, Tensor> outputs = new LinkedHashMap<>(objective.buildInference(model));
        if (outputs.isEmpty()) {
            throw new GraphException("objective " + objective.name() + " gives no inference output to export");
        }
        return outputs;
    }

    private static void putOutput(Map<String, Tensor> outputs, String name, Tensor value) {
        if (outputs.putIfAbsent(name, value) != null) {
            throw new GraphException("output '" + name + "' is produced twice");
        }
    }

    /** Trainable variables the loss depends on, in creation order. */
    private static List<Tensor> trainableParameters(Tensor loss) {
        Graph g = loss.graph();
        Program dependencies = new Program("dependencies", g, Map.of(LOSS, loss), List.of(), 0);
        List<Tensor> parameters = new ArrayList<>();
        for (Tensor v : dependencies.variables()) {
            if (((Op.Variable) v.op()).trainable()) {
                parameters.add(v);
            }
        }
        if (parameters.isEmpty()) {
            throw new GraphException("the loss depends on no trainable parameter");
        }
        return parameters;
    }

    private static Tensor accumulator(Graph g, Tensor parameter) {
        return g.variable(gradientAccumulatorName(parameter.name()), parameter.shape(), Init.zeros(), false, false);
    }

    private static String describe(AttentionKind kind) {
        return kind == AttentionKind.CAUSAL ? "causal" : "bidirectional";
    }
}

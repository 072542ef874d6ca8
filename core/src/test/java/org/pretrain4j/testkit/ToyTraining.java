package org.pretrain4j.testkit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pretrain4j.data.Batch;
import org.pretrain4j.data.BatchBuilder;
import org.pretrain4j.data.RandomSource;
import org.pretrain4j.graph.AdamW;
import org.pretrain4j.graph.Autodiff;
import org.pretrain4j.graph.DType;
import org.pretrain4j.graph.Graph;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.graph.Init;
import org.pretrain4j.graph.Program;
import org.pretrain4j.graph.Shape;
import org.pretrain4j.graph.StateUpdate;
import org.pretrain4j.graph.Tensor;
import org.pretrain4j.data.ExampleFeatures;
import org.pretrain4j.data.ExampleLayout;
import org.pretrain4j.spi.AttentionKind;
import org.pretrain4j.spi.LossTerm;
import org.pretrain4j.spi.ModelContext;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.text.Tokenizer;
import org.pretrain4j.train.BatchSource;
import org.pretrain4j.train.DataPosition;
import org.pretrain4j.train.TrainingGraphs;
import org.pretrain4j.train.TrainingPrograms;

/**
 * A tiny two-term model and its data for trainer tests: a tanh layer (with dropout keyed by the
 * step's seed) over 4 features, and two regression heads, term "alpha" on every example and term
 * "beta" only where {@code beta_mask} is 1, so the terms' target counts differ per batch. Its
 * programs follow the trainer's naming contract ({@link TrainingPrograms}) in all three forms:
 * fused, accumulate/apply and evaluation; AdamW from core does the updates.
 */
public final class ToyTraining {
    public static final int FEATURES = 4;
    public static final int HIDDEN = 8;
    public static final String ALPHA = "alpha";
    public static final String BETA = "beta";

    private ToyTraining() {}

    /** The fused, accumulate/apply and evaluation programs, all with the same variables and seed. */
    public static TrainingPrograms programs(long seed, double dropout, AdamW.Config optimizer, Map<String, Double> weights) {
        return new TrainingPrograms(
                Optional.of(fused(seed, dropout, optimizer)),
                Optional.of(accumulate(seed, dropout)),
                Optional.of(apply(seed, optimizer)),
                Optional.of(evaluation(seed)),
                weights);
    }

    /**
     * An objective that only reports metrics, as google BERT names them: {@code <term>_loss} and
     * {@code <term>_accuracy} (the fraction of targets within 0.5). Its other methods are not used by the trainer.
     */
    public static Objective metricsObjective() {
        return new Objective() {
            @Override
            public String name() {
                return "toy";
            }

            @Override
            public AttentionKind attention() {
                return AttentionKind.BIDIRECTIONAL;
            }

            @Override
            public Optional<ExampleLayout> layout() {
                return Optional.empty();
            }

            @Override
            public void prepare(ExampleFeatures features, Tokenizer tokenizer, RandomSource random) {
                throw new UnsupportedOperationException("the toy objective only reports metrics");
            }

            @Override
            public void collate(List<ExampleFeatures> examples, int sequenceLength, BatchBuilder batch) {
                throw new UnsupportedOperationException("the toy objective only reports metrics");
            }

            @Override
            public List<LossTerm> buildLoss(ModelContext model) {
                throw new UnsupportedOperationException("the toy objective only reports metrics");
            }

            @Override
            public Map<String, Tensor> buildInference(ModelContext model) {
                throw new UnsupportedOperationException("the toy objective only reports metrics");
            }

            @Override
            public Map<String, Double> metrics(String term, Map<String, Double> sums) {
                double count = sums.get("count");
                return Map.of(term + "_loss", sums.get("loss_sum") / count, term + "_accuracy", sums.get("close") / count);
            }
        };
    }

    private record Model(Graph g, List<Tensor> parameters, Map<String, Tensor> outputs, Tensor loss) {}

    private static List<Tensor> parameters(Graph g) {
        List<Tensor> p = new ArrayList<>();
        p.add(g.weight("toy/hidden/kernel", Shape.fixed(FEATURES, HIDDEN), Init.normal(0.5)));
        p.add(g.bias("toy/hidden/bias", Shape.fixed(HIDDEN), Init.zeros()));
        p.add(g.weight("toy/alpha/kernel", Shape.fixed(HIDDEN, 1), Init.normal(0.5)));
        p.add(g.weight("toy/beta/kernel", Shape.fixed(HIDDEN, 1), Init.normal(0.5)));
        return p;
    }

    private static Model model(boolean training, double dropout) {
        Graph g = new Graph();
        List<Tensor> p = parameters(g);
        Tensor x = g.input("features", DType.FLOAT32, Shape.of("batch_size", FEATURES));
        Tensor ya = g.input("alpha_target", DType.FLOAT32, Shape.of("batch_size"));
        Tensor yb = g.input("beta_target", DType.FLOAT32, Shape.of("batch_size"));
        Tensor mask = g.input("beta_mask", DType.FLOAT32, Shape.of("batch_size"));
        Tensor h = g.tanh(g.add(g.matmul(x, p.get(0)), p.get(1)));
        if (training && dropout > 0) {
            h = g.dropout(h, g.input(TrainingPrograms.DROPOUT_SEED, DType.INT64, Shape.scalar()), dropout, 1);
        }
        Tensor ea = g.sub(g.squeeze(g.matmul(h, p.get(2)), 1), ya);
        Tensor eb = g.sub(g.squeeze(g.matmul(h, p.get(3)), 1), yb);
        Tensor quarter = g.scalar(0.25);
        Map<String, Tensor> out = new LinkedHashMap<>();
        Tensor alphaSum = g.sumAll(g.mul(ea, ea));
        out.put(ALPHA + "/loss_sum", alphaSum);
        out.put(ALPHA + "/count", g.sumAll(g.add(g.mul(mask, 0.0), 1.0)));
        out.put(ALPHA + "/close", g.sumAll(g.cast(g.less(g.mul(ea, ea), quarter), DType.FLOAT32)));
        Tensor betaSum = g.sumAll(g.mul(mask, g.mul(eb, eb)));
        out.put(BETA + "/loss_sum", betaSum);
        out.put(BETA + "/count", g.sumAll(mask));
        out.put(BETA + "/close", g.sumAll(g.mul(mask, g.cast(g.less(g.mul(eb, eb), quarter), DType.FLOAT32))));
        Tensor loss = null;
        if (training) {
            Tensor sa = g.input(TrainingPrograms.LOSS_SCALE_PREFIX + ALPHA, DType.FLOAT32, Shape.scalar());
            Tensor sb = g.input(TrainingPrograms.LOSS_SCALE_PREFIX + BETA, DType.FLOAT32, Shape.scalar());
            loss = g.add(g.mul(sa, alphaSum), g.mul(sb, betaSum));
            out.put("loss", loss);
        }
        return new Model(g, p, out, loss);
    }

    private static Program fused(long seed, double dropout, AdamW.Config optimizer) {
        Model m = model(true, dropout);
        Graph g = m.g();
        List<Tensor> grads = Autodiff.gradients(m.loss(), m.parameters());
        AdamW.Result r = AdamW.apply(g, m.parameters(), grads, optimizer, learningRate(g), step(g));
        Map<String, Tensor> out = new LinkedHashMap<>(m.outputs());
        out.put(TrainingPrograms.GRADIENT_NORM, r.gradientNorm());
        return new Program("toy_train_step", g, out, r.updates(), seed);
    }

    private static Program accumulate(long seed, double dropout) {
        Model m = model(true, dropout);
        Graph g = m.g();
        List<Tensor> grads = Autodiff.gradients(m.loss(), m.parameters());
        List<StateUpdate> updates = new ArrayList<>();
        for (int i = 0; i < grads.size(); i++) {
            Tensor p = m.parameters().get(i);
            Tensor acc = g.variable(TrainingGraphs.gradientAccumulatorName(p.name()), p.shape(), Init.zeros(), false, false);
            updates.add(new StateUpdate(acc, g.add(acc, grads.get(i))));
        }
        return new Program("toy_accumulate", g, m.outputs(), updates, seed);
    }

    private static Program apply(long seed, AdamW.Config optimizer) {
        Graph g = new Graph();
        List<Tensor> p = parameters(g);
        List<Tensor> accs = new ArrayList<>();
        for (Tensor t : p) {
            accs.add(g.variable(TrainingGraphs.gradientAccumulatorName(t.name()), t.shape(), Init.zeros(), false, false));
        }
        AdamW.Result r = AdamW.apply(g, p, accs, optimizer, learningRate(g), step(g));
        List<StateUpdate> updates = new ArrayList<>(r.updates());
        for (Tensor acc : accs) {
            updates.add(new StateUpdate(acc, g.mul(acc, 0.0)));
        }
        return new Program("toy_apply", g, Map.of(TrainingPrograms.GRADIENT_NORM, r.gradientNorm()), updates, seed);
    }

    private static Program evaluation(long seed) {
        Model m = model(false, 0);
        return new Program("toy_eval", m.g(), m.outputs(), List.of(), seed);
    }

    private static Tensor learningRate(Graph g) {
        return g.input(TrainingPrograms.LEARNING_RATE, DType.FLOAT32, Shape.scalar());
    }

    private static Tensor step(Graph g) {
        return g.input(TrainingPrograms.STEP, DType.FLOAT32, Shape.scalar());
    }

    /**
     * Examples keyed by (seed, epoch, index) in epochs of {@code epochSize}, cut into batches of
     * {@code batchSize} that never cross an epoch (the last of an epoch may be smaller). A training
     * source cycles without end; an evaluation source ({@code cycle} false) makes one pass.
     * {@code nanAt}, when set, puts a NaN beta target into that (epoch, index) example.
     */
    public record Data(long seed, int epochSize, int batchSize, boolean cycle, Optional<DataPosition> nanAt)
            implements BatchSource {

        public static Data training(long seed, int epochSize, int batchSize) {
            return new Data(seed, epochSize, batchSize, true, Optional.empty());
        }

        public static Data heldOut(long seed, int size, int batchSize) {
            return new Data(seed, size, batchSize, false, Optional.empty());
        }

        public Data withNanBetaTargetAt(DataPosition position) {
            return new Data(seed, epochSize, batchSize, cycle, Optional.of(position));
        }

        @Override
        public Stream open(DataPosition start) {
            return new Stream() {
                private long epoch = start.epoch();
                private long index = start.exampleIndex();

                @Override
                public Batch next() {
                    if (index >= epochSize) {
                        if (!cycle) {
                            return null;
                        }
                        epoch++;
                        index = 0;
                    }
                    int n = (int) Math.min(batchSize, epochSize - index);
                    float[] x = new float[n * FEATURES];
                    float[] ya = new float[n];
                    float[] yb = new float[n];
                    float[] mask = new float[n];
                    long masked = 0;
                    for (int i = 0; i < n; i++) {
                        RandomSource r = RandomSource.of(seed, epoch, index + i).fork("toy");
                        double s = 0;
                        double t = 0;
                        for (int f = 0; f < FEATURES; f++) {
                            double v = 2 * r.nextDouble() - 1;
                            x[i * FEATURES + f] = (float) v;
                            s += v * (f + 1) * 0.5;
                            t += v * (f % 2 == 0 ? 1 : -1);
                        }
                        ya[i] = (float) Math.sin(s);
                        yb[i] = (float) (0.5 * t);
                        mask[i] = r.nextDouble() < 0.6 ? 1f : 0f;
                        masked += (long) mask[i];
                        if (nanAt.isPresent() && nanAt.get().equals(new DataPosition(epoch, index + i))) {
                            yb[i] = Float.NaN;
                        }
                    }
                    index += n;
                    return new BatchBuilder()
                            .put("features", HostTensor.ofFloats(new long[] {n, FEATURES}, x))
                            .put("alpha_target", HostTensor.ofFloats(new long[] {n}, ya))
                            .put("beta_target", HostTensor.ofFloats(new long[] {n}, yb))
                            .put("beta_mask", HostTensor.ofFloats(new long[] {n}, mask))
                            .count(ALPHA, n)
                            .count(BETA, masked)
                            .build(n, (long) n * FEATURES);
                }

                @Override
                public DataPosition position() {
                    return index >= epochSize && cycle ? new DataPosition(epoch + 1, 0) : new DataPosition(epoch, index);
                }

                @Override
                public void close() {}
            };
        }
    }
}

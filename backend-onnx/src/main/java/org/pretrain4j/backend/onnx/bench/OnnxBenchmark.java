package org.pretrain4j.backend.onnx.bench;

import static java.util.Objects.requireNonNull;

import ai.onnxruntime.OrtSession;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pretrain4j.backend.onnx.OnnxBackend;
import org.pretrain4j.backend.onnx.OnnxLowering;
import org.pretrain4j.data.Batch;
import org.pretrain4j.data.BatchBuilder;
import org.pretrain4j.data.Example;
import org.pretrain4j.data.ExampleFeatures;
import org.pretrain4j.data.ExampleLayout;
import org.pretrain4j.data.RandomSource;
import org.pretrain4j.graph.AdamW;
import org.pretrain4j.graph.Executable;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.graph.Initializer;
import org.pretrain4j.graph.Op;
import org.pretrain4j.graph.Program;
import org.pretrain4j.graph.Tensor;
import org.pretrain4j.nn.TransformerConfig;
import org.pretrain4j.spi.AttentionKind;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.train.TrainingGraphs;

/**
 * Measures training (or exported-model inference) throughput on ONNX Runtime for a model
 * configuration and an objective, on batches of random token ids prepared by the objective itself,
 * and relates it to the machine's GEMM rate measured in the same run.
 */
public final class OnnxBenchmark {
    /** Batches prepared up front and cycled, so that data preparation is not timed. */
    private static final int DISTINCT_BATCHES = 4;
    /** The masked-LM term, whose target count is the fraction of positions projected on the vocabulary. */
    private static final String MASKED_LM = "masked_lm";

    private OnnxBenchmark() {}

    /** Runs the benchmark; {@code preset} is only a label for the result. */
    public static BenchResult run(String preset, TransformerConfig config, Objective objective, BenchOptions options) {
        requireNonNull(config, "config is null");
        requireNonNull(objective, "objective is null");
        requireNonNull(options, "options is null");
        boolean causal = config.attention() == AttentionKind.CAUSAL;
        SyntheticTokenizer tokenizer = new SyntheticTokenizer(config.vocabularySize(), causal);
        TrainingGraphs graphs = new TrainingGraphs(config, tokenizer.specialTokens(), objective, AdamW.Config.bert(), options.seed());
        List<Batch> batches = new ArrayList<>();
        for (int i = 0; i < DISTINCT_BATCHES; i++) {
            batches.add(randomBatch(objective, tokenizer, options.batch(), options.sequenceLength(), options.seed() * 1000 + i));
        }
        long tokensPerStep = (long) options.batch() * options.sequenceLength();
        double[] windowSeconds;
        long nonEmbedding;
        double fraction;
        double flopsPerToken;
        if (options.mode() == BenchOptions.Mode.TRAIN) {
            Program step = graphs.trainingStep();
            nonEmbedding = nonEmbeddingParameters(step);
            fraction = causal ? 1.0 : maskedFraction(batches, tokensPerStep);
            flopsPerToken = trainingFlopsPerToken(config, nonEmbedding, options.sequenceLength(), fraction);
            windowSeconds = timeTraining(graphs, step, batches, options);
        } else if (options.mode() == BenchOptions.Mode.EVAL) {
            Program step = graphs.evaluationStep();
            nonEmbedding = nonEmbeddingParameters(step);
            fraction = causal ? 1.0 : maskedFraction(batches, tokensPerStep);
            flopsPerToken = trainingFlopsPerToken(config, nonEmbedding, options.sequenceLength(), fraction) / 3;
            windowSeconds = timeTraining(graphs, step, batches, options);
        } else {
            Program model = graphs.exportPrograms().get("model");
            nonEmbedding = nonEmbeddingParameters(model);
            fraction = 1.0;
            flopsPerToken = trainingFlopsPerToken(config, nonEmbedding, options.sequenceLength(), fraction) / 3;
            windowSeconds = timeInference(model, batches, causal, config, options);
        }
        double gemm = Measurements.gemmGflopsPerSecond(options.gemmSize(), options.backend(), 5);
        double[] rates = new double[windowSeconds.length];
        for (int i = 0; i < rates.length; i++) {
            rates[i] = tokensPerStep * options.stepsPerWindow() / windowSeconds[i];
        }
        double median = Measurements.median(rates);
        double min = java.util.Arrays.stream(rates).min().orElseThrow();
        double max = java.util.Arrays.stream(rates).max().orElseThrow();
        double modelGflops = median * flopsPerToken / 1e9;
        return new BenchResult(preset, objective.name(), options.mode().name().toLowerCase(java.util.Locale.ROOT), options.batch(),
                options.sequenceLength(), config.vocabularySize(), options.backend().threads(), median, min, max,
                1000.0 * tokensPerStep / median, nonEmbedding, fraction, flopsPerToken, modelGflops, gemm, modelGflops / gemm,
                Measurements.peakRssMb(), options.windows(), options.stepsPerWindow(), OnnxBackend.runtimeVersion(),
                Math.max(config.hiddenDropout(), config.attentionDropout()));
    }

    /** 6 x non-embedding parameters + 12 x layers x hidden x sequence + 6 x hidden x vocabulary x projected fraction. */
    public static double trainingFlopsPerToken(TransformerConfig config, long nonEmbeddingParameters, int sequenceLength, double projectedFraction) {
        return 6.0 * nonEmbeddingParameters + 12.0 * config.layers() * config.hidden() * sequenceLength
                + 6.0 * config.hidden() * config.vocabularySize() * projectedFraction;
    }

    /** Trainable parameters of a program other than the token, position and token-type embedding tables. */
    public static long nonEmbeddingParameters(Program program) {
        long n = 0;
        for (Tensor v : program.variables()) {
            Op.Variable op = (Op.Variable) v.op();
            boolean table = op.name().equals("embeddings/word") || op.name().equals("embeddings/position")
                    || op.name().equals("embeddings/token_type");
            if (op.trainable() && !table && !op.name().startsWith("adam_") && !op.name().startsWith(TrainingGraphs.GRADIENT_ACCUMULATOR_PREFIX)) {
                n += v.shape().elementCount();
            }
        }
        return n;
    }

    private static double maskedFraction(List<Batch> batches, long tokensPerStep) {
        double sum = 0;
        for (Batch b : batches) {
            sum += b.counts().getOrDefault(MASKED_LM, 0L);
        }
        return sum / batches.size() / tokensPerStep;
    }

    private static double[] timeTraining(TrainingGraphs graphs, Program step, List<Batch> batches, BenchOptions options) {
        List<Map<String, HostTensor>> feeds = new ArrayList<>();
        for (int i = 0; i < batches.size(); i++) {
            Batch b = batches.get(i);
            Map<String, HostTensor> all = new LinkedHashMap<>(b.inputs());
            all.putAll(graphs.lossScales(b.counts()));
            all.put(TrainingGraphs.LEARNING_RATE, HostTensor.scalar(1e-4f));
            all.put("dropout_seed", HostTensor.scalar((long) (i + 1)));
            feeds.add(all);
        }
        try (OnnxBackend backend = new OnnxBackend(options.backend()); Executable exe = backend.compile(step)) {
            int stepNo = 0;
            // Every distinct batch shape once at least, so that ONNX Runtime has planned memory for each.
            for (int i = 0; i < Math.max(options.warmupSteps(), feeds.size()); i++) {
                exe.run(select(step, feeds.get(stepNo % feeds.size()), ++stepNo));
            }
            double[] seconds = new double[options.windows()];
            for (int w = 0; w < options.windows(); w++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < options.stepsPerWindow(); i++) {
                    exe.run(select(step, feeds.get(stepNo % feeds.size()), ++stepNo));
                }
                seconds[w] = (System.nanoTime() - t0) / 1e9;
            }
            return seconds;
        }
    }

    private static Map<String, HostTensor> select(Program program, Map<String, HostTensor> all, int stepNo) {
        Map<String, HostTensor> feed = new LinkedHashMap<>();
        for (Tensor in : program.inputs()) {
            HostTensor v = in.name().equals(TrainingGraphs.STEP) ? HostTensor.scalar((float) stepNo) : all.get(in.name());
            if (v == null) {
                throw new IllegalStateException("the benchmark has no value for input '" + in.name() + "'");
            }
            feed.put(in.name(), v);
        }
        return feed;
    }

    private static double[] timeInference(Program model, List<Batch> batches, boolean causal, TransformerConfig config, BenchOptions options) {
        Map<String, HostTensor> weights = new LinkedHashMap<>();
        for (Tensor v : model.variables()) {
            Op.Variable op = (Op.Variable) v.op();
            weights.put(op.name(), HostTensor.ofFloats(v.shape().fixedSizes(), Initializer.initialValues(op.init(), v.shape(), op.name(), model.seed())));
        }
        byte[] bytes = OnnxLowering.lower(model, new OnnxLowering.Options(weights, true, Map.of(), Map.of(), "model")).model().toByteArray();
        List<Map<String, HostTensor>> feeds = new ArrayList<>();
        for (Batch b : batches) {
            Map<String, HostTensor> feed = new LinkedHashMap<>();
            HostTensor ids = b.inputs().get("input_ids");
            feed.put("input_ids", ids);
            feed.put("attention_mask", b.inputs().get("attention_mask"));
            if (causal) {
                long[] positions = new long[ids.size()];
                for (int i = 0; i < positions.length; i++) {
                    positions[i] = i % options.sequenceLength();
                }
                feed.put("position_ids", HostTensor.ofLongs(ids.shape(), positions));
                for (int layer = 0; layer < config.layers(); layer++) {
                    for (String kind : List.of("key", "value")) {
                        feed.put("past_key_values." + layer + "." + kind,
                                HostTensor.ofFloats(new long[] {options.batch(), config.heads(), 0, config.headSize()}, new float[0]));
                    }
                }
            } else {
                feed.put("token_type_ids", b.inputs().get("token_type_ids"));
            }
            feeds.add(feed);
        }
        try (OrtSession session = OnnxBackend.createSession(bytes, options.backend())) {
            SessionRunner runner = new SessionRunner(session);
            int k = 0;
            for (int i = 0; i < options.warmupSteps(); i++) {
                runner.run(feeds.get(k++ % feeds.size()));
            }
            double[] seconds = new double[options.windows()];
            for (int w = 0; w < options.windows(); w++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < options.stepsPerWindow(); i++) {
                    runner.run(feeds.get(k++ % feeds.size()));
                }
                seconds[w] = (System.nanoTime() - t0) / 1e9;
            }
            return seconds;
        } catch (ai.onnxruntime.OrtException e) {
            throw new IllegalStateException("inference benchmark failed: " + e.getMessage(), e);
        }
    }

    /** A batch of random token ids, full length, laid out and prepared by the objective as in training. */
    static Batch randomBatch(Objective objective, SyntheticTokenizer tokenizer, int batch, int sequence, long seed) {
        boolean causal = objective.attention() == AttentionKind.CAUSAL;
        boolean pairs = objective.layout().orElse(ExampleLayout.PACKED_BLOCKS).pairs();
        RandomSource random = RandomSource.of(seed, 0, 0);
        List<ExampleFeatures> prepared = new ArrayList<>();
        long[] ids = new long[batch * sequence];
        long[] mask = new long[batch * sequence];
        long[] types = new long[batch * sequence];
        var specials = tokenizer.specialTokens();
        for (int b = 0; b < batch; b++) {
            int[] tokens = new int[sequence];
            int[] segments = new int[sequence];
            boolean[] special = new boolean[sequence];
            boolean[] wordStarts = new boolean[sequence];
            int split = sequence / 2;
            for (int i = 0; i < sequence; i++) {
                tokens[i] = random.nextInt(tokenizer.firstOrdinary(), tokenizer.endOrdinary());
                wordStarts[i] = true;
            }
            if (!causal) {
                tokens[0] = specials.cls();
                special[0] = true;
                tokens[sequence - 1] = specials.sep();
                special[sequence - 1] = true;
                if (pairs) {
                    tokens[split] = specials.sep();
                    special[split] = true;
                    for (int i = split + 1; i < sequence; i++) {
                        segments[i] = 1;
                    }
                }
            }
            ExampleFeatures features = new ExampleFeatures(new Example(b, tokens, segments, special, wordStarts, pairs ? random.nextInt(0, 2) : -1));
            objective.prepare(features, tokenizer, RandomSource.of(seed, 0, b));
            prepared.add(features);
            int[] input = features.inputIds();
            for (int i = 0; i < sequence; i++) {
                ids[b * sequence + i] = input[i];
                mask[b * sequence + i] = 1;
                types[b * sequence + i] = segments[i];
            }
        }
        BatchBuilder builder = new BatchBuilder();
        long[] shape = {batch, sequence};
        builder.put("input_ids", HostTensor.ofLongs(shape, ids));
        builder.put("attention_mask", HostTensor.ofLongs(shape, mask));
        if (!causal) {
            builder.put("token_type_ids", HostTensor.ofLongs(shape, types));
        }
        objective.collate(prepared, sequence, builder);
        return builder.build(batch, (long) batch * sequence);
    }
}

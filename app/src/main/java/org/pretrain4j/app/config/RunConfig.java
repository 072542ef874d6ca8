package org.pretrain4j.app.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything a training run is made of, as the config file, the command line and the library
 * builder set it. Keys are kebab-case in files ({@code batch-size}); defaults live in {@link #defaults()}
 * only; values are checked here, naming the key. {@code corpus} null means the built-in sample;
 * {@code tokenizer} null means "train one from the corpus"; {@code initFrom} null means "random
 * initialisation", else it is a Hugging Face model folder (or an export) whose config, tokenizer and
 * weights the run starts from; {@code corpus-format: prepared} reads {@code corpus} as a prepared
 * dataset folder ({@code train --dataset}).
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record RunConfig(
        String preset,
        String objective,
        Map<String, String> properties,
        String backend,
        String corpus,
        String corpusFormat,
        String textField,
        boolean allLanguages,
        String tokenizer,
        String tokenizerType,
        int vocabSize,
        int steps,
        int batchSize,
        int sequenceLength,
        double learningRate,
        int warmupSteps,
        String schedule,
        double weightDecay,
        double clipNorm,
        int gradientAccumulation,
        double dropout,
        int evalEvery,
        int evalBatches,
        int checkpointEvery,
        int keepCheckpoints,
        int logEvery,
        double validationFraction,
        long seed,
        int threads,
        String initFrom) {

    public static final String DEFAULT_PRESET = "tiny";
    public static final String DEFAULT_OBJECTIVE = "mlm+nsp";
    public static final String DEFAULT_BACKEND = "onnx";
    public static final int DEFAULT_VOCAB_SIZE = 8192;
    public static final int DEFAULT_STEPS = 600;
    public static final int DEFAULT_BATCH_SIZE = 32;
    public static final int DEFAULT_SEQUENCE_LENGTH = 128;
    public static final double DEFAULT_LEARNING_RATE = 2e-3;
    public static final int DEFAULT_WARMUP_STEPS = 60;
    public static final String DEFAULT_SCHEDULE = "linear";

    public RunConfig {
        properties = properties == null ? Map.of() : Map.copyOf(new TreeMap<>(properties));
        require(preset != null && !preset.isBlank(), "preset", "must be set");
        require(objective != null && !objective.isBlank(), "objective", "must be set");
        require(backend != null && !backend.isBlank(), "backend", "must be set");
        require(corpusFormat != null && corpusFormat.matches("auto|bert|text|jsonl|europarl|prepared"), "corpus-format",
                "must be one of auto, bert, text, jsonl, europarl, prepared; got " + corpusFormat);
        require(textField != null && !textField.isBlank(), "text-field", "must be set");
        require(tokenizerType != null && tokenizerType.matches("auto|wordpiece|bpe"), "tokenizer-type",
                "must be auto, wordpiece or bpe; got " + tokenizerType);
        require(vocabSize >= 64, "vocab-size", "must be at least 64, got " + vocabSize);
        require(steps > 0, "steps", "must be positive, got " + steps);
        require(batchSize > 0, "batch-size", "must be positive, got " + batchSize);
        require(sequenceLength >= 8, "sequence-length", "must be at least 8, got " + sequenceLength);
        require(learningRate > 0 && Double.isFinite(learningRate), "learning-rate", "must be positive, got " + learningRate);
        require(warmupSteps >= 0, "warmup-steps", "must be 0 or more, got " + warmupSteps);
        require(schedule != null && schedule.matches("linear|cosine|constant"), "schedule",
                "must be linear, cosine or constant; got " + schedule);
        require(weightDecay >= 0, "weight-decay", "must be 0 or more, got " + weightDecay);
        require(clipNorm >= 0, "clip-norm", "must be 0 (off) or more, got " + clipNorm);
        require(gradientAccumulation > 0, "gradient-accumulation", "must be positive, got " + gradientAccumulation);
        require(dropout >= 0 && dropout < 1, "dropout", "must be in [0, 1), got " + dropout);
        require(evalEvery > 0, "eval-every", "must be positive, got " + evalEvery);
        require(evalBatches > 0, "eval-batches", "must be positive, got " + evalBatches);
        require(checkpointEvery > 0, "checkpoint-every", "must be positive, got " + checkpointEvery);
        require(keepCheckpoints > 0, "keep-checkpoints", "must be positive, got " + keepCheckpoints);
        require(logEvery > 0, "log-every", "must be positive, got " + logEvery);
        require(validationFraction > 0 && validationFraction < 0.5, "validation-fraction",
                "must be in (0, 0.5), got " + validationFraction);
        require(threads >= 0, "threads", "must be 0 (all cores) or more, got " + threads);
    }

    /** The defaults: tiny BERT (mlm+nsp) on the built-in sample, a few minutes on 2 cores. */
    public static RunConfig defaults() {
        return new RunConfig(DEFAULT_PRESET, DEFAULT_OBJECTIVE, Map.of(), DEFAULT_BACKEND, null, "auto", "text", false,
                null, "auto", DEFAULT_VOCAB_SIZE, DEFAULT_STEPS, DEFAULT_BATCH_SIZE, DEFAULT_SEQUENCE_LENGTH,
                DEFAULT_LEARNING_RATE, DEFAULT_WARMUP_STEPS, DEFAULT_SCHEDULE, 0.01, 1.0, 1, 0.1, 100, 20, 200, 3, 10, 0.02,
                42, 0, null);
    }

    /** The same configuration reading another corpus (null: the built-in sample). */
    public RunConfig withCorpus(String newCorpus) {
        return new RunConfig(preset, objective, properties, backend, newCorpus, corpusFormat, textField, allLanguages, tokenizer,
                tokenizerType, vocabSize, steps, batchSize, sequenceLength, learningRate, warmupSteps, schedule, weightDecay,
                clipNorm, gradientAccumulation, dropout, evalEvery, evalBatches, checkpointEvery, keepCheckpoints, logEvery,
                validationFraction, seed, threads, initFrom);
    }

    /** The same configuration with {@code overrides} put over its plugin properties. */
    public RunConfig withProperties(Map<String, String> overrides) {
        Map<String, String> merged = new TreeMap<>(properties);
        merged.putAll(overrides);
        return new RunConfig(preset, objective, merged, backend, corpus, corpusFormat, textField, allLanguages, tokenizer,
                tokenizerType, vocabSize, steps, batchSize, sequenceLength, learningRate, warmupSteps, schedule, weightDecay,
                clipNorm, gradientAccumulation, dropout, evalEvery, evalBatches, checkpointEvery, keepCheckpoints, logEvery,
                validationFraction, seed, threads, initFrom);
    }

    private static void require(boolean ok, String key, String problem) {
        if (!ok) {
            throw new InvalidConfigException(key, problem);
        }
    }

    /** A value that fails validation; {@link #key()} is the kebab-case key. */
    public static final class InvalidConfigException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final String key;

        InvalidConfigException(String key, String problem) {
            super("'" + key + "' " + problem);
            this.key = key;
        }

        public String key() {
            return key;
        }
    }
}

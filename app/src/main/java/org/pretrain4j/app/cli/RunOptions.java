package org.pretrain4j.app.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.pretrain4j.app.config.Recipe;
import org.pretrain4j.app.config.RunConfig;
import org.pretrain4j.app.UserException;
import picocli.CommandLine.Option;

/**
 * The configuration options of {@code train} (and of {@code resume}, which may change a few). Every
 * option is null unless given, so that a config file's value survives where the command line is silent.
 */
final class RunOptions {
    @Option(names = "--config", paramLabel = "FILE", description = "JSON or YAML file with configuration keys (same names as the options, e.g. batch-size: 32); options given here override it.")
    Path config;

    @Option(paramLabel = "NAME", names = "--recipe", description = "Named defaults under the config file and options: "
            + "quick-start (default: a model that has learned something in about 3 minutes on 2 cores; printed at start-up) "
            + "or none (the plain defaults shown below).")
    String recipe;

    @Option(paramLabel = "NAME", names = "--preset", description = "Model size: tiny, mini, small, medium (default: " + RunConfig.DEFAULT_PRESET + ").")
    String preset;

    @Option(names = "--objective", paramLabel = "SPEC", description = "Objectives joined with '+', e.g. mlm+nsp, mlm+sop, clm (default: " + RunConfig.DEFAULT_OBJECTIVE + "). See 'plugins'.")
    String objective;

    @Option(names = {"-p", "--property"}, paramLabel = "NAME.KEY=VALUE",
            description = "A plugin property, prefixed with the objective or backend name: nsp.weight=0.5, mlm.strategy=whole-word, onnx.threads=2. Repeatable.")
    Map<String, String> properties;

    @Option(paramLabel = "NAME", names = "--backend", description = "Backend that trains (default: " + RunConfig.DEFAULT_BACKEND + ").")
    String backend;

    @Option(names = "--corpus", paramLabel = "PATH", description = "Text file, folder or glob (gzip ok). Default: the built-in Europarl sample.")
    String corpus;

    @Option(names = "--dataset", paramLabel = "DIR", description = "A dataset written by 'prepare' (token shards, read memory-mapped) instead of --corpus; its tokenizer is the run's.")
    String dataset;

    @Option(paramLabel = "NAME", names = "--corpus-format", description = "auto, bert (sentence per line, blank line between documents), text, jsonl, europarl (default: auto).")
    String corpusFormat;

    @Option(paramLabel = "NAME", names = "--text-field", description = "Field holding the text in JSON Lines (default: text).")
    String textField;

    @Option(names = "--all-languages", description = "Use every language of the built-in sample, not only English.")
    Boolean allLanguages;

    @Option(names = "--tokenizer", paramLabel = "FILE", description = "An existing tokenizer.json or BERT vocab.txt. Default: train one from the corpus.")
    String tokenizer;

    @Option(paramLabel = "NAME", names = "--tokenizer-type", description = "Tokenizer to train: auto (WordPiece for encoders, byte-level BPE for clm), wordpiece, bpe.")
    String tokenizerType;

    @Option(paramLabel = "N", names = "--vocab-size", description = "Vocabulary size of a trained tokenizer (default: " + RunConfig.DEFAULT_VOCAB_SIZE + ").")
    Integer vocabSize;

    @Option(paramLabel = "N", names = "--steps", description = "Optimizer steps (default: the recipe's; " + RunConfig.DEFAULT_STEPS + " with --recipe none).")
    Integer steps;

    @Option(paramLabel = "N", names = {"--batch-size", "--batch"}, description = "Examples per step (default: the recipe's; " + RunConfig.DEFAULT_BATCH_SIZE + " with --recipe none).")
    Integer batchSize;

    @Option(paramLabel = "N", names = {"--sequence-length", "--seq"}, description = "Tokens per example (default: the recipe's; " + RunConfig.DEFAULT_SEQUENCE_LENGTH + " with --recipe none).")
    Integer sequenceLength;

    @Option(paramLabel = "X", names = {"--learning-rate", "--lr"}, description = "Peak learning rate (default: the recipe's; " + RunConfig.DEFAULT_LEARNING_RATE + " with --recipe none).")
    Double learningRate;

    @Option(paramLabel = "N", names = "--warmup-steps", description = "Linear warm-up steps (default: the recipe's; " + RunConfig.DEFAULT_WARMUP_STEPS + " with --recipe none).")
    Integer warmupSteps;

    @Option(paramLabel = "NAME", names = "--schedule", description = "Decay after warm-up: linear, cosine, constant (default: the recipe's; " + RunConfig.DEFAULT_SCHEDULE + " with --recipe none).")
    String schedule;

    @Option(paramLabel = "X", names = "--weight-decay", description = "AdamW decoupled weight decay (default: 0.01).")
    Double weightDecay;

    @Option(paramLabel = "X", names = "--clip-norm", description = "Global gradient-norm clipping, 0 for none (default: 1.0).")
    Double clipNorm;

    @Option(paramLabel = "N", names = "--gradient-accumulation", description = "Micro-batches per step (default: 1).")
    Integer gradientAccumulation;

    @Option(paramLabel = "X", names = "--dropout", description = "Hidden and attention dropout (default: the recipe's; 0.1 with --recipe none).")
    Double dropout;

    @Option(paramLabel = "N", names = "--eval-every", description = "Steps between evaluations on the held-out split (default: 100).")
    Integer evalEvery;

    @Option(paramLabel = "N", names = "--eval-batches", description = "Held-out batches per evaluation (default: 20).")
    Integer evalBatches;

    @Option(paramLabel = "N", names = "--checkpoint-every", description = "Steps between checkpoints (default: 200).")
    Integer checkpointEvery;

    @Option(paramLabel = "N", names = "--keep-checkpoints", description = "Checkpoints kept (default: 3).")
    Integer keepCheckpoints;

    @Option(paramLabel = "N", names = "--log-every", description = "Steps between metrics lines and log lines (default: 10).")
    Integer logEvery;

    @Option(paramLabel = "X", names = "--validation-fraction", description = "Fraction of documents held out (default: 0.02).")
    Double validationFraction;

    @Option(paramLabel = "N", names = "--seed", description = "Seed of initialisation, data order and masks (default: 42).")
    Long seed;

    @Option(paramLabel = "DIR", names = "--init-from", description = "Start from a published model folder (Hugging Face BERT, RoBERTa,"
            + " GPT-2: config.json, weights, tokenizer) or an export, instead of random weights; sizes and tokenizer come from it.")
    String initFrom;

    @Option(paramLabel = "N", names = "--threads", description = "Backend threads, 0 for every core (default: 0).")
    Integer threads;

    /** The configuration: defaults, the recipe, the config file, then the options given. */
    Recipe.Resolved resolve() {
        if (initFrom != null && preset != null) {
            // The folder's config.json decides the sizes; a preset given with it used to be ignored silently.
            throw UserException.usage("--preset " + preset + ": cannot be combined with --init-from, whose config.json sets the model's sizes");
        }
        return Recipe.resolve(recipe, config, overrides());
    }

    /** The options given on the command line, by configuration key. */
    Map<String, Object> overrides() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("preset", preset);
        o.put("objective", objective);
        o.put("properties", properties);
        o.put("backend", backend);
        o.put("corpus", corpus);
        o.put("corpus-format", corpusFormat);
        if (dataset != null) {
            if (corpus != null) {
                throw org.pretrain4j.app.UserException.usage("--dataset: give --corpus or --dataset, not both.");
            }
            o.put("corpus", dataset);
            o.put("corpus-format", "prepared");
        }
        o.put("text-field", textField);
        o.put("all-languages", allLanguages);
        o.put("tokenizer", tokenizer);
        o.put("tokenizer-type", tokenizerType);
        o.put("vocab-size", vocabSize);
        o.put("steps", steps);
        o.put("batch-size", batchSize);
        o.put("sequence-length", sequenceLength);
        o.put("learning-rate", learningRate);
        o.put("warmup-steps", warmupSteps);
        o.put("schedule", schedule);
        o.put("weight-decay", weightDecay);
        o.put("clip-norm", clipNorm);
        o.put("gradient-accumulation", gradientAccumulation);
        o.put("dropout", dropout);
        o.put("eval-every", evalEvery);
        o.put("eval-batches", evalBatches);
        o.put("checkpoint-every", checkpointEvery);
        o.put("keep-checkpoints", keepCheckpoints);
        o.put("log-every", logEvery);
        o.put("validation-fraction", validationFraction);
        o.put("seed", seed);
        o.put("threads", threads);
        o.put("init-from", initFrom);
        return o;
    }
}

package org.pretrain4j.app.run;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.pretrain4j.app.UserException;
import org.pretrain4j.app.config.ConfigFiles;
import org.pretrain4j.app.config.RunConfig;
import org.pretrain4j.data.Batch;
import org.pretrain4j.data.Batcher;
import org.pretrain4j.data.Corpora;
import org.pretrain4j.data.Corpus;
import org.pretrain4j.data.CorpusException;
import org.pretrain4j.data.CorpusFormat;
import org.pretrain4j.data.CorpusOptions;
import org.pretrain4j.data.DataPipeline;
import org.pretrain4j.data.Document;
import org.pretrain4j.data.DocumentReader;
import org.pretrain4j.data.ExampleLayout;
import org.pretrain4j.data.ExampleSource;
import org.pretrain4j.data.ExampleSources;
import org.pretrain4j.data.ExampleStream;
import org.pretrain4j.data.SampleCorpus;
import org.pretrain4j.data.TokenizedCorpus;
import org.pretrain4j.data.prepared.PreparedDataset;
import org.pretrain4j.objective.clm.UnigramPerplexity;
import org.pretrain4j.spi.AttentionKind;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.text.BpeTrainer;
import org.pretrain4j.text.Tokenizer;
import org.pretrain4j.text.Tokenizers;
import org.pretrain4j.text.WordPieceTrainer;
import org.pretrain4j.train.BatchSource;
import org.pretrain4j.train.DataPosition;
import org.pretrain4j.train.IoFailures;

/** The data side of a run: corpus, tokenizer and batch sources, from the text and data packages of core. */
public class RunData {
    /**
     * The training and held-out parts of the corpus: text ({@code dataset} null), or a prepared dataset
     * ({@code train} and {@code validation} null), split alike by document.
     */
    public record Corpora(Corpus train, Corpus validation, String name, PreparedDataset dataset) {
        public Corpora(Corpus train, Corpus validation, String name) {
            this(train, validation, name, null);
        }

        /** The training part as the example builders read it. */
        TokenizedCorpus tokenizedTrain(RunConfig config, Tokenizer tokenizer) {
            return dataset != null ? dataset.corpus().split(config.seed(), config.validationFraction(), false)
                    : TokenizedCorpus.of(train, tokenizer);
        }

        /** The held-out part as the example builders read it. */
        TokenizedCorpus tokenizedValidation(RunConfig config, Tokenizer tokenizer) {
            return dataset != null ? dataset.corpus().split(config.seed(), config.validationFraction(), true)
                    : TokenizedCorpus.of(validation, tokenizer);
        }
    }

    /** The batch sources of a run. */
    public record Batches(BatchSource train, BatchSource validation) {}

    /** The corpus of a configuration split into training and held-out documents; a missing corpus names --corpus. */
    public Corpora corpora(RunConfig config) {
        if (isDataset(config)) {
            PreparedDataset dataset = dataset(config);
            return new Corpora(null, null, dataset.directory().toString(), dataset);
        }
        Corpus all = corpus(config);
        return new Corpora(all.split(config.seed(), config.validationFraction(), false),
                all.split(config.seed(), config.validationFraction(), true), all.name());
    }

    /** Whether the configuration reads a prepared dataset ({@code --dataset}). */
    static boolean isDataset(RunConfig config) {
        return config.corpus() != null && config.corpusFormat().equals("prepared");
    }

    /** Opens and checks the prepared dataset of a configuration, naming --dataset and the file on failure. */
    public PreparedDataset dataset(RunConfig config) {
        try {
            return PreparedDataset.open(Path.of(config.corpus()));
        } catch (CorpusException e) {
            throw UserException.usage("--dataset: " + e.getMessage());
        }
    }

    /** The whole corpus of a configuration: the built-in sample, or the files of {@code corpus}. */
    public Corpus corpus(RunConfig config) {
        Corpus all;
        if (config.corpus() == null) {
            all = config.allLanguages() ? SampleCorpus.allLanguages() : SampleCorpus.english();
        } else {
            CorpusOptions options = CorpusOptions.defaults().withJsonField(config.textField());
            try {
                if (!config.corpusFormat().equals("auto")) {
                    options = options.withFormat(CorpusFormat.parse(config.corpusFormat()));
                }
                all = org.pretrain4j.data.Corpora.open(config.corpus(), options);
            } catch (CorpusException | IllegalArgumentException e) {
                throw UserException.usage("--corpus: " + e.getMessage());
            }
        }
        return all;
    }

    /** Loads the configured tokenizer or trains one from the training split; saves it as the run's tokenizer.json. */
    public Tokenizer tokenizerForNewRun(RunConfig config, Corpora corpora, AttentionKind attention, Path save) {
        Tokenizer tokenizer;
        if (corpora.dataset() != null) {
            tokenizer = datasetTokenizer(config, corpora.dataset());
        } else if (config.tokenizer() != null) {
            tokenizer = load(Path.of(config.tokenizer()), "--tokenizer");
        } else {
            String type = config.tokenizerType().equals("auto")
                    ? (attention == AttentionKind.CAUSAL ? "bpe" : "wordpiece") : config.tokenizerType();
            tokenizer = train(type, config.vocabSize(), corpora.train(), true);
        }
        try {
            Files.createDirectories(save.getParent());
            tokenizer.save(save);
            // sha256sum's format, so that `sha256sum -c tokenizer.json.sha256` checks it too.
            Files.writeString(checksumFile(save), sha256(save) + "  " + save.getFileName() + "\n");
        } catch (IOException e) {
            throw UserException.runtime("Cannot write " + save + ": " + IoFailures.describe(e), e);
        }
        return tokenizer;
    }

    /** The dataset's own tokenizer, or {@code --tokenizer} when it is the same one. */
    private static Tokenizer datasetTokenizer(RunConfig config, PreparedDataset dataset) {
        try {
            if (config.tokenizer() == null) {
                return dataset.tokenizer();
            }
            Tokenizer given = load(Path.of(config.tokenizer()), "--tokenizer");
            dataset.checkTokenizer(given, "--tokenizer " + config.tokenizer());
            return given;
        } catch (CorpusException e) {
            throw UserException.usage("--dataset: " + e.getMessage());
        }
    }

    /** The tokenizer a run saved, checked against the checksum written beside it (runs of older versions have none). */
    public Tokenizer tokenizerOfRun(Path file) {
        Path checksum = checksumFile(file);
        if (Files.isRegularFile(checksum) && Files.isRegularFile(file)) {
            try {
                String expected = Files.readString(checksum).strip().split("\\s+")[0];
                String actual = sha256(file);
                if (!expected.equalsIgnoreCase(actual)) {
                    throw UserException.runtime("--run-dir: " + file + " does not match its checksum in " + checksum.getFileName()
                            + " (damaged or edited); the checkpoints were trained with the original tokenizer: restore it.");
                }
            } catch (IOException e) {
                throw UserException.runtime("--run-dir: cannot read " + checksum + ": " + IoFailures.describe(e), e);
            }
        }
        return load(file, "--run-dir");
    }

    /** The checksum file beside a run's tokenizer. */
    static Path checksumFile(Path tokenizer) {
        return tokenizer.resolveSibling(tokenizer.getFileName() + ".sha256");
    }

    private static String sha256(Path file) throws IOException {
        try {
            java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
            return java.util.HexFormat.of().formatHex(digest.digest(Files.readAllBytes(file)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Trains a tokenizer of {@code type} ("wordpiece" or "bpe") on the sentences of {@code corpus}. */
    public static Tokenizer train(String type, int vocabSize, Corpus corpus, boolean lowercase) {
        Iterable<String> sentences = corpus.sentences();
        try {
            if (type.equals("bpe")) {
                return BpeTrainer.train(sentences, BpeTrainer.Options.of(vocabSize));
            }
            if (type.equals("wordpiece")) {
                WordPieceTrainer.Options defaults = WordPieceTrainer.Options.of(vocabSize);
                return WordPieceTrainer.train(sentences, new WordPieceTrainer.Options(vocabSize, lowercase, lowercase,
                        defaults.minFrequency(), defaults.limitAlphabet()));
            }
        } catch (CorpusException e) {
            throw UserException.usage("--corpus: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw UserException.usage("--vocab-size: " + e.getMessage());
        }
        throw UserException.usage("--tokenizer-type: '" + type + "' is not wordpiece or bpe.");
    }

    /** Loads a tokenizer file, naming {@code option} and the file when it is missing or does not parse. */
    public static Tokenizer load(Path file, String option) {
        try {
            return Tokenizers.load(file);
        } catch (NoSuchFileException e) {
            throw UserException.usage(option + ": tokenizer file '" + file + "' does not exist.");
        } catch (IOException | RuntimeException e) {
            throw UserException.usage(option + ": cannot read tokenizer '" + file + "': " + e.getMessage());
        }
    }

    /** Batch sources: training cycles through shuffled epochs without end; validation is one pass in order. */
    public Batches batches(RunConfig config, Corpora corpora, Tokenizer tokenizer, Objective objective, ExampleLayout layout) {
        if (corpora.dataset() != null) {
            // A resumed run's saved tokenizer against the dataset: a dataset prepared again with another one fails here.
            try {
                corpora.dataset().checkTokenizer(tokenizer, "the run's tokenizer");
            } catch (CorpusException e) {
                throw UserException.usage("--dataset: " + e.getMessage());
            }
        }
        Batcher batcher = new Batcher(objective, tokenizer, config.sequenceLength());
        ExampleSource train = ExampleSources.forLayout(layout, corpora.tokenizedTrain(config, tokenizer), tokenizer,
                config.sequenceLength(), config.seed());
        ExampleSource validation = source(layout, corpora.tokenizedValidation(config, tokenizer), tokenizer, config);
        DataPipeline trainPipeline = new DataPipeline(train, batcher, config.batchSize(), config.seed());
        DataPipeline validationPipeline = new DataPipeline(validation, batcher, config.batchSize(), config.seed());
        return new Batches(new PipelineSource(trainPipeline, true, corpora.name()), new PipelineSource(validationPipeline, false, corpora.name()));
    }

    /**
     * Fails before the first step when the training or held-out split gives no example (a corpus
     * too small for its split), naming --validation-fraction and the number of documents needed,
     * instead of at the first evaluation with the work lost. Reads only until each split's first
     * example, and counts the corpus's documents only when one is empty.
     */
    public void checkExamples(RunConfig config, Corpora corpora, Tokenizer tokenizer, ExampleLayout layout) {
        if (!hasExample(layout, corpora.tokenizedTrain(config, tokenizer), tokenizer, config)) {
            throw UserException.usage("--corpus: the training part of " + corpora.name() + " gives no examples ("
                    + documents(corpora) + " documents in all, --validation-fraction " + config.validationFraction()
                    + "); add text or lower --validation-fraction.");
        }
        if (!hasExample(layout, corpora.tokenizedValidation(config, tokenizer), tokenizer, config)) {
            double fraction = config.validationFraction();
            long documents = documents(corpora);
            // Documents go to the held-out split independently with probability `fraction`: this many
            // give it at least one document 95 times in 100.
            long needed = fraction <= 0 ? -1 : (long) Math.ceil(Math.log(0.05) / Math.log1p(-fraction));
            throw UserException.usage("--validation-fraction: the held-out split (" + fraction + " of the documents, drawn with --seed "
                    + config.seed() + ") of " + corpora.name() + " gives no examples: the corpus has " + documents + " documents"
                    + (needed > 0 ? "; at this fraction it needs about " + needed + " documents (documents are separated by blank "
                            + "lines in the bert format), or raise --validation-fraction" : "; raise --validation-fraction above 0")
                    + ".");
        }
    }

    private static boolean hasExample(ExampleLayout layout, TokenizedCorpus corpus, Tokenizer tokenizer, RunConfig config) {
        try (ExampleStream examples = source(layout, corpus, tokenizer, config).open(0)) {
            return examples.hasNext();
        } catch (CorpusException e) {
            if (e.getMessage() != null && e.getMessage().contains("produced no examples")) {
                return false;
            }
            throw UserException.usage("--corpus: " + e.getMessage());
        }
    }

    private static long documents(Corpora corpora) {
        if (corpora.dataset() != null) {
            return corpora.dataset().manifest().documents();
        }
        long n = 0;
        for (Corpus part : java.util.List.of(corpora.train(), corpora.validation())) {
            try (DocumentReader reader = part.open()) {
                while (reader.hasNext()) {
                    reader.next();
                    n++;
                }
            }
        }
        return n;
    }

    /**
     * Perplexity of the maximum-likelihood unigram model of the held-out split's next-token targets,
     * built exactly as evaluation builds them: the baseline a causal LM must beat.
     */
    public double heldOutUnigramPerplexity(RunConfig config, Tokenizer tokenizer, ExampleLayout layout) {
        UnigramPerplexity unigram = new UnigramPerplexity(tokenizer.vocabularySize());
        try (ExampleStream examples = source(layout, corpora(config).tokenizedValidation(config, tokenizer), tokenizer, config).open(0)) {
            while (examples.hasNext()) {
                unigram.add(examples.next());
            }
        }
        return unigram.perplexity();
    }

    /** The held-out examples in corpus order: shuffling them would change nothing but the cost. */
    private static ExampleSource source(ExampleLayout layout, TokenizedCorpus corpus, Tokenizer tokenizer, RunConfig config) {
        return ExampleSources.inOrder(layout, corpus, tokenizer, config.sequenceLength(), config.seed());
    }

    /** A sentence of the run's held-out split with a word masked, or {@code fallback} for the built-in sample. */
    public String exampleSentence(Path runDirectory, String fallback) {
        RunConfig config = ConfigFiles.load(runDirectory.resolve(ConfigFiles.RUN_CONFIG));
        if (config.corpus() == null && !config.allLanguages()) {
            return fallback;
        }
        if (isDataset(config)) {
            return null; // a prepared dataset keeps token ids, not text to show
        }
        try (DocumentReader reader = corpora(config).validation().open()) {
            while (reader.hasNext()) {
                Document d = reader.next();
                for (String sentence : d.sentences()) {
                    String[] words = sentence.trim().split("\\s+");
                    if (words.length < 5 || words.length > 30) {
                        continue;
                    }
                    int longest = -1;
                    for (int i = 1; i < words.length; i++) {
                        if (words[i].matches("\\p{L}{4,}") && (longest < 0 || words[i].length() > words[longest].length())) {
                            longest = i;
                        }
                    }
                    if (longest > 0) {
                        words[longest] = "[MASK]";
                        return String.join(" ", words);
                    }
                }
            }
        } catch (RuntimeException e) {
            // The example is a courtesy; a corpus that cannot be read again does not fail the run.
        }
        return null;
    }

    /** A data pipeline as the trainer's batch source: training cycles through epochs, validation ends after one. */
    static final class PipelineSource implements BatchSource {
        private final DataPipeline pipeline;
        private final boolean cycle;
        private final String corpusName;

        PipelineSource(DataPipeline pipeline, boolean cycle, String corpusName) {
            this.pipeline = requireNonNull(pipeline, "pipeline is null");
            this.cycle = cycle;
            this.corpusName = corpusName;
        }

        @Override
        public Stream open(DataPosition position) {
            return new Stream() {
                private long epoch = position.epoch();
                private DataPipeline.BatchStream stream = pipeline.open(epoch, position.exampleIndex());

                @Override
                public Batch next() {
                    Batch batch = stream.next();
                    if (batch != null || !cycle) {
                        return batch;
                    }
                    long emptyEpoch = epoch;
                    stream.close();
                    epoch++;
                    stream = pipeline.open(epoch, 0);
                    batch = stream.next();
                    if (batch == null) {
                        throw UserException.usage("--corpus: the training part of " + corpusName + " gives no examples (epoch "
                                + emptyEpoch + " was empty too); use a larger corpus or a smaller --validation-fraction.");
                    }
                    return batch;
                }

                @Override
                public DataPosition position() {
                    return new DataPosition(epoch, stream.position());
                }

                @Override
                public void close() {
                    stream.close();
                }
            };
        }
    }
}

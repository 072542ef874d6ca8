package org.pretrain4j.data.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pretrain4j.data.Batch;
import org.pretrain4j.data.BatchBuilder;
import org.pretrain4j.data.Batcher;
import org.pretrain4j.data.Corpus;
import org.pretrain4j.data.DataPipeline;
import org.pretrain4j.data.ExampleFeatures;
import org.pretrain4j.data.ExampleLayout;
import org.pretrain4j.data.ExampleSource;
import org.pretrain4j.data.PackedBlocks;
import org.pretrain4j.data.RandomSource;
import org.pretrain4j.data.SampleCorpus;
import org.pretrain4j.data.SentencePairs;
import org.pretrain4j.data.ShuffledExamples;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.graph.Tensor;
import org.pretrain4j.spi.AttentionKind;
import org.pretrain4j.spi.LossTerm;
import org.pretrain4j.spi.ModelContext;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.text.BpeTrainer;
import org.pretrain4j.text.Tokenizer;
import org.pretrain4j.text.WordPieceTrainer;

/**
 * Data pipeline throughput (a command, not a test): one epoch of the English Europarl sample
 * through the read-ahead pipeline (read, sentence-split, tokenize, build examples, prepare with
 * BERT-style 15% masking, pad and collate), for BERT sentence pairs and for GPT packed blocks,
 * consumed as fast as possible. Medians over several epochs.
 *
 * <pre>
 * mvn -q -o -pl core test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=org.pretrain4j.data.bench.DataPipelineBenchmark -Dexec.args="--runs 3"
 * </pre>
 */
public final class DataPipelineBenchmark {
    private DataPipelineBenchmark() {
    }

    /** BERT-style masking of 15% of non-special positions (80/10/10), labels collated: a realistic prepare cost. */
    static final class MaskingObjective implements Objective {
        @Override
        public String name() {
            return "bench-mask";
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
            RandomSource r = random.fork("mask");
            int[] ids = features.inputIds();
            boolean[] special = features.example().special();
            int[] labels = new int[ids.length];
            Arrays.fill(labels, -100);
            for (int i = 0; i < ids.length; i++) {
                if (!special[i] && r.nextDouble() < 0.15) {
                    labels[i] = ids[i];
                    double u = r.nextDouble();
                    ids[i] = u < 0.8 ? Math.max(0, tokenizer.specialTokens().mask()) : u < 0.9 ? r.nextInt(tokenizer.vocabularySize()) : ids[i];
                }
            }
            features.putArray("labels", labels);
        }

        @Override
        public void collate(List<ExampleFeatures> examples, int sequenceLength, BatchBuilder batch) {
            long[] labels = new long[examples.size() * sequenceLength];
            Arrays.fill(labels, -100);
            long count = 0;
            for (int b = 0; b < examples.size(); b++) {
                int[] l = examples.get(b).array("labels");
                for (int i = 0; i < l.length; i++) {
                    labels[b * sequenceLength + i] = l[i];
                    count += l[i] >= 0 ? 1 : 0;
                }
            }
            batch.put("labels", HostTensor.ofLongs(new long[] {examples.size(), sequenceLength}, labels));
            batch.count("bench-mask", count);
        }

        @Override
        public List<LossTerm> buildLoss(ModelContext model) {
            return List.of();
        }

        @Override
        public Map<String, Tensor> buildInference(ModelContext model) {
            return Map.of();
        }

        @Override
        public Map<String, Double> metrics(String term, Map<String, Double> sums) {
            return Map.of();
        }
    }

    public static void main(String[] args) throws java.io.IOException {
        int runs = 3;
        int sequenceLength = 128;
        int batchSize = 32;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs":
                    runs = Integer.parseInt(args[++i]);
                    break;
                case "--seq":
                    sequenceLength = Integer.parseInt(args[++i]);
                    break;
                case "--batch":
                    batchSize = Integer.parseInt(args[++i]);
                    break;
                default:
                    throw new IllegalArgumentException("unknown option " + args[i] + " (--runs N, --seq L, --batch B)");
            }
        }
        Corpus corpus = SampleCorpus.english();
        System.out.printf("machine: %d cores, Java %s; corpus %s; sequence %d, batch %d%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), corpus.name(), sequenceLength, batchSize);
        Tokenizer wordPiece = WordPieceTrainer.train(corpus.sentences(), WordPieceTrainer.Options.of(8000));
        Tokenizer bpe = BpeTrainer.train(corpus.sentences(), BpeTrainer.Options.of(8000));
        Objective objective = new MaskingObjective();
        measure("BERT sentence pairs (WordPiece, mask 15%, shuffle 1000)",
                new ShuffledExamples(new SentencePairs(corpus, wordPiece, sequenceLength, 1), 1000, 1),
                new Batcher(objective, wordPiece, 0), batchSize, runs);
        // The same documents from a gzipped google-BERT format file: the reading and sentence path included.
        java.nio.file.Path file = java.nio.file.Files.createTempFile("p4j-bench", ".txt.gz");
        try (java.io.Writer w = new java.io.OutputStreamWriter(new java.util.zip.GZIPOutputStream(java.nio.file.Files.newOutputStream(file)),
                java.nio.charset.StandardCharsets.UTF_8); org.pretrain4j.data.DocumentReader r = corpus.open()) {
            while (r.hasNext()) {
                for (String sentence : r.next().sentences()) {
                    w.write(sentence);
                    w.write('\n');
                }
                w.write('\n');
            }
        }
        Corpus fileCorpus = org.pretrain4j.data.Corpora.open(file.toString(), org.pretrain4j.data.CorpusOptions.defaults());
        measure("BERT sentence pairs from a gzipped BERT-format file",
                new ShuffledExamples(new SentencePairs(fileCorpus, wordPiece, sequenceLength, 1), 1000, 1),
                new Batcher(objective, wordPiece, 0), batchSize, runs);
        java.nio.file.Files.delete(file);
        measure("GPT packed blocks (BPE, crossing documents)",
                new PackedBlocks(corpus, bpe, sequenceLength, PackedBlocks.Boundaries.CROSS),
                new Batcher(objective, bpe, sequenceLength), batchSize, runs);
    }

    private static void measure(String what, ExampleSource source, Batcher batcher, int batchSize, int runs) {
        DataPipeline pipeline = new DataPipeline(source, batcher, batchSize, 1);
        double[] rates = new double[runs];
        long tokens = 0;
        long examples = 0;
        long batches = 0;
        for (int r = 0; r < runs; r++) {
            tokens = 0;
            examples = 0;
            batches = 0;
            long t0 = System.nanoTime();
            try (DataPipeline.BatchStream stream = pipeline.open(r, 0)) {
                Batch b;
                while ((b = stream.next()) != null) {
                    tokens += b.tokens();
                    examples += b.examples();
                    batches++;
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            rates[r] = tokens / seconds;
            System.out.printf("  epoch %d: %d batches, %d examples, %d tokens in %.2f s%n", r, batches, examples, tokens, seconds);
        }
        double[] sorted = rates.clone();
        Arrays.sort(sorted);
        double median = sorted[runs / 2];
        System.out.printf("%s: median %.0f tokens/s (%.0f examples/s)%n", what, median, median * examples / tokens);
    }
}

package org.pretrain4j.data.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.pretrain4j.data.Batch;
import org.pretrain4j.data.Batcher;
import org.pretrain4j.data.Corpora;
import org.pretrain4j.data.Corpus;
import org.pretrain4j.data.CorpusOptions;
import org.pretrain4j.data.DataPipeline;
import org.pretrain4j.data.ExampleLayout;
import org.pretrain4j.data.ExampleSources;
import org.pretrain4j.text.Tokenizer;
import org.pretrain4j.text.WordPieceTrainer;

/**
 * Shows that a corpus larger than the heap trains (a command, not a test): writes a gzipped
 * google-BERT format corpus of {@code --mb} MB (default 512) of synthetic English-like text, then
 * trains a WordPiece vocabulary on it and runs one epoch of sentence pairs through the pipeline,
 * printing the heap used. Run it with a heap smaller than the corpus:
 *
 * <pre>
 * mvn -q -o -pl core test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -Xmx96m -cp core/target/test-classes:core/target/classes:$(cat core/target/cp.txt) \
 *     org.pretrain4j.data.bench.StreamingMemoryCheck --mb 512
 * </pre>
 */
public final class StreamingMemoryCheck {
    private StreamingMemoryCheck() {
    }

    public static void main(String[] args) throws IOException {
        int megabytes = args.length == 2 && args[0].equals("--mb") ? Integer.parseInt(args[1]) : 512;
        Path file = Files.createTempFile("p4j-streaming", ".txt.gz");
        long bytes = write(file, megabytes * 1_000_000L);
        System.out.printf("corpus: %s, %.0f MB of text (%.0f MB gzipped); max heap %d MB%n", file, bytes / 1e6,
                Files.size(file) / 1e6, Runtime.getRuntime().maxMemory() >> 20);
        try {
            Corpus corpus = Corpora.open(file.toString(), CorpusOptions.defaults());
            long t0 = System.nanoTime();
            Tokenizer tokenizer = WordPieceTrainer.train(corpus.sentences(), WordPieceTrainer.Options.of(4000));
            System.out.printf("trained WordPiece %d in %.1f s, heap used %d MB%n", tokenizer.vocabularySize(),
                    (System.nanoTime() - t0) / 1e9, used());
            DataPipeline pipeline = new DataPipeline(ExampleSources.forLayout(ExampleLayout.SENTENCE_PAIRS, corpus, tokenizer, 128, 1),
                    new Batcher(new DataPipelineBenchmark.MaskingObjective(), tokenizer, 0), 32, 1);
            t0 = System.nanoTime();
            long tokens = 0;
            long maxUsed = 0;
            long batches = 0;
            try (DataPipeline.BatchStream stream = pipeline.open(0, 0)) {
                Batch b;
                while ((b = stream.next()) != null) {
                    tokens += b.tokens();
                    if (++batches % 1000 == 0) {
                        maxUsed = Math.max(maxUsed, used());
                    }
                }
            }
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf("one epoch: %d batches, %d tokens in %.1f s (%.0f tokens/s), heap used at most %d MB%n", batches, tokens,
                    s, tokens / s, maxUsed);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static long used() {
        Runtime r = Runtime.getRuntime();
        return (r.totalMemory() - r.freeMemory()) >> 20;
    }

    /** Documents of 3 to 30 sentences of 5 to 25 words drawn from a Zipf-like word list. */
    private static long write(Path file, long target) throws IOException {
        List<String> words = List.of("the", "of", "and", "to", "in", "parliament", "commission", "council", "member", "states",
                "report", "proposal", "european", "union", "policy", "we", "must", "this", "is", "that", "for", "on", "a", "be",
                "directive", "citizens", "market", "rights", "budget", "vote", "amendment", "president", "debate", "question");
        Random random = new Random(1);
        long written = 0;
        try (OutputStream raw = new GZIPOutputStream(Files.newOutputStream(file), 1 << 16) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        }; Writer w = new OutputStreamWriter(raw, StandardCharsets.UTF_8)) {
            StringBuilder sb = new StringBuilder();
            while (written < target) {
                int sentences = 3 + random.nextInt(28);
                for (int s = 0; s < sentences; s++) {
                    sb.setLength(0);
                    int n = 5 + random.nextInt(21);
                    for (int k = 0; k < n; k++) {
                        int index = (int) Math.min(words.size() - 1, Math.abs(random.nextGaussian()) * words.size() / 3);
                        sb.append(k == 0 ? "" : " ").append(words.get(index));
                        if (random.nextInt(50) == 0) {
                            sb.append(random.nextInt(1000));
                        }
                    }
                    sb.append(".\n");
                    w.write(sb.toString());
                    written += sb.length();
                }
                w.write('\n');
                written++;
            }
        }
        return written;
    }
}

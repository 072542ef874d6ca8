package org.pretrain4j.text.bench;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.pretrain4j.data.Corpus;
import org.pretrain4j.data.SampleCorpus;
import org.pretrain4j.text.BpeTrainer;
import org.pretrain4j.text.Encoding;
import org.pretrain4j.text.Tokenizer;
import org.pretrain4j.text.WordPieceTrainer;

/**
 * Tokenizer benchmark (a command, not a test): trains 8k WordPiece and byte-level BPE vocabularies
 * on 20 MB of the Europarl sample, then compares encoding throughput with Hugging Face tokenizers
 * (Rust, through DJL) on the same sentences with the same tokenizer.json, in the same JVM.
 *
 * <pre>
 * mvn -q -o -pl core test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=org.pretrain4j.text.bench.TokenizerBenchmark -Dexec.args="--runs 3"
 * </pre>
 * Options: {@code --runs N} (medians over N runs, default 3), {@code --mb M} (training text, default 20),
 * {@code --vocab V} (default 8000), {@code --english} (repeat the English documents instead of using all languages).
 */
public final class TokenizerBenchmark {
    private TokenizerBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        int runs = 3;
        int megabytes = 20;
        int vocab = 8000;
        boolean english = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs":
                    runs = Integer.parseInt(args[++i]);
                    break;
                case "--mb":
                    megabytes = Integer.parseInt(args[++i]);
                    break;
                case "--vocab":
                    vocab = Integer.parseInt(args[++i]);
                    break;
                case "--english":
                    english = true;
                    break;
                default:
                    throw new IllegalArgumentException("unknown option " + args[i] + " (--runs N, --mb M, --vocab V, --english)");
            }
        }
        Corpus sample = english ? SampleCorpus.english() : SampleCorpus.allLanguages();
        List<String> base = new ArrayList<>();
        sample.sentences().forEach(base::add);
        List<String> training = new ArrayList<>();
        long chars = 0;
        long target = megabytes * 1_000_000L;
        long bytes = 0;
        while (bytes < target) {
            for (String s : base) {
                training.add(s);
                chars += s.length();
                bytes += s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1;
                if (bytes >= target) {
                    break;
                }
            }
        }
        System.out.printf("machine: %d cores, Java %s, heap %d MB%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), Runtime.getRuntime().maxMemory() >> 20);
        System.out.printf("training text: %s, %d sentences, %.1f MB UTF-8, %d chars%n", sample.name(), training.size(),
                bytes / 1e6, chars);

        Tokenizer wordPiece = null;
        Tokenizer bpe = null;
        double[] wpTimes = new double[runs];
        double[] bpeTimes = new double[runs];
        for (int r = 0; r < runs; r++) {
            long t0 = System.nanoTime();
            wordPiece = WordPieceTrainer.train(training, WordPieceTrainer.Options.of(vocab));
            wpTimes[r] = (System.nanoTime() - t0) / 1e9;
            t0 = System.nanoTime();
            bpe = BpeTrainer.train(training, BpeTrainer.Options.of(vocab));
            bpeTimes[r] = (System.nanoTime() - t0) / 1e9;
            System.out.printf("run %d: WordPiece %.2f s, BPE %.2f s%n", r + 1, wpTimes[r], bpeTimes[r]);
        }
        System.out.printf("train %d vocab on %.0f MB: WordPiece median %.2f s (vocab %d), BPE median %.2f s (vocab %d)%n", vocab,
                bytes / 1e6, median(wpTimes), wordPiece.vocabularySize(), median(bpeTimes), bpe.vocabularySize());

        List<String> encodeSet = base.size() > 50_000 ? base.subList(0, 50_000) : base;
        long encodeBytes = 0;
        for (String s : encodeSet) {
            encodeBytes += s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        }
        Path dir = Files.createTempDirectory("p4j-bench");
        for (Tokenizer t : List.of(wordPiece, bpe)) {
            Path file = dir.resolve(t.kind() + ".json");
            t.save(file);
            try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(file,
                    Map.of("truncation", "false", "padding", "false", "maxLength", "1000000", "addSpecialTokens", "false"))) {
                compare(t, hf, encodeSet, encodeBytes, runs);
            }
        }
    }

    private static void compare(Tokenizer ours, HuggingFaceTokenizer hf, List<String> texts, long bytes, int runs) {
        long tokens = 0;
        for (Encoding e : ours.encodeBatch(texts)) {
            tokens += e.length();
        }
        long hfTokens = 0;
        for (ai.djl.huggingface.tokenizers.Encoding e : hf.batchEncode(texts, false, false)) {
            hfTokens += e.getIds().length;
        }
        double[] oursBatch = new double[runs + 1];
        double[] oursSingle = new double[runs + 1];
        double[] hfBatch = new double[runs + 1];
        double[] hfSingle = new double[runs + 1];
        for (int r = 0; r <= runs; r++) { // run 0 warms up
            long t0 = System.nanoTime();
            ours.encodeBatch(texts);
            oursBatch[r] = (System.nanoTime() - t0) / 1e9;
            t0 = System.nanoTime();
            for (String s : texts) {
                ours.encode(s);
            }
            oursSingle[r] = (System.nanoTime() - t0) / 1e9;
            t0 = System.nanoTime();
            hf.batchEncode(texts, false, false);
            hfBatch[r] = (System.nanoTime() - t0) / 1e9;
            t0 = System.nanoTime();
            for (String s : texts) {
                hf.encode(s, false, false);
            }
            hfSingle[r] = (System.nanoTime() - t0) / 1e9;
        }
        System.out.printf("%s encode, %d sentences, %.1f MB, %d tokens (HF %d):%n", ours.kind(), texts.size(), bytes / 1e6, tokens,
                hfTokens);
        report("pretrain4j encodeBatch (all cores)", tokens, bytes, oursBatch);
        report("HF tokenizers batchEncode (all cores)", hfTokens, bytes, hfBatch);
        report("pretrain4j encode (1 thread)", tokens, bytes, oursSingle);
        report("HF tokenizers encode (1 thread, JNI per call)", hfTokens, bytes, hfSingle);
    }

    private static void report(String what, long tokens, long bytes, double[] times) {
        double t = median(Arrays.copyOfRange(times, 1, times.length));
        System.out.printf("  %-46s %8.2f s  %10.0f tokens/s  %6.2f MB/s%n", what, t, tokens / t, bytes / t / 1e6);
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}

package org.pretrain4j.data.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pretrain4j.data.Corpus;
import org.pretrain4j.data.Example;
import org.pretrain4j.data.ExampleStream;
import org.pretrain4j.data.SampleCorpus;
import org.pretrain4j.data.SentencePairs;
import org.pretrain4j.text.Tokenizer;
import org.pretrain4j.text.WordPieceTrainer;

/**
 * What lexical overlap alone gets on next-sentence prediction (a command, not a test): builds the
 * NSP pairs of the built-in sample exactly as {@code train} does (same document split, an 8k
 * WordPiece vocabulary trained on the training split, {@link SentencePairs} at 128 tokens), then
 * fits a logistic regression on six overlap features of each pair (shared non-frequent tokens over
 * the smaller segment, IDF-weighted cosine, IDF mass of the shared tokens, shared count, the two
 * segment lengths) on several epochs of training pairs, and reports its held-out accuracy next to
 * the majority class. It is the reference for the {@code next_sentence_accuracy} a small model can
 * be expected to reach on this sample: topic overlap is the cue NSP learns first.
 *
 * <pre>
 * mvn -q -o -pl core test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=org.pretrain4j.data.bench.NspOverlapBaseline -Dexec.args="--validation-fraction 0.1"
 * </pre>
 * Options: {@code --validation-fraction X} (default 0.02, as {@code train}), {@code --epochs N}
 * (training epochs of pairs, default 3), {@code --seed N} (default 42), {@code --all-languages}.
 */
public final class NspOverlapBaseline {
    private static final int SEQUENCE_LENGTH = 128;
    private static final int VOCAB = 8192;
    /** The most frequent tokens of the training pairs count as stop words. */
    private static final int STOP_TOKENS = 100;

    private NspOverlapBaseline() {
    }

    public static void main(String[] args) {
        double fraction = 0.02;
        int epochs = 3;
        long seed = 42;
        boolean allLanguages = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--validation-fraction" -> fraction = Double.parseDouble(args[++i]);
                case "--epochs" -> epochs = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--all-languages" -> allLanguages = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (known: --validation-fraction, --epochs, --seed, --all-languages)");
            }
        }
        Corpus all = allLanguages ? SampleCorpus.allLanguages() : SampleCorpus.english();
        Corpus train = all.split(seed, fraction, false);
        Corpus heldOut = all.split(seed, fraction, true);
        Tokenizer tokenizer = WordPieceTrainer.train(train.sentences(), WordPieceTrainer.Options.of(VOCAB));
        List<Example> trainPairs = new ArrayList<>();
        for (int e = 0; e < epochs; e++) {
            trainPairs.addAll(pairs(new SentencePairs(train, tokenizer, SEQUENCE_LENGTH, seed), e));
        }
        List<Example> heldOutPairs = pairs(new SentencePairs(heldOut, tokenizer, SEQUENCE_LENGTH, seed), 0);

        Map<Integer, Integer> frequency = new HashMap<>();
        Map<Integer, Integer> segmentFrequency = new HashMap<>();
        for (Example x : trainPairs) {
            for (int s = 0; s < 2; s++) {
                for (int t : segment(x, s)) {
                    frequency.merge(t, 1, Integer::sum);
                }
                for (int t : new HashSet<>(segment(x, s))) {
                    segmentFrequency.merge(t, 1, Integer::sum);
                }
            }
        }
        Set<Integer> stop = new HashSet<>();
        frequency.entrySet().stream().sorted((a, b) -> Integer.compare(b.getValue(), a.getValue())).limit(STOP_TOKENS)
                .forEach(e -> stop.add(e.getKey()));
        double segments = 2.0 * trainPairs.size();
        Map<Integer, Double> idf = new HashMap<>();
        segmentFrequency.forEach((t, n) -> idf.put(t, Math.log(segments / n)));

        double[][] xTrain = features(trainPairs, stop, idf);
        double[][] xHeldOut = features(heldOutPairs, stop, idf);
        int[] yTrain = trainPairs.stream().mapToInt(Example::pairLabel).toArray();
        int[] yHeldOut = heldOutPairs.stream().mapToInt(Example::pairLabel).toArray();
        standardise(xTrain, xHeldOut);
        double[] w = fit(xTrain, yTrain);
        double random = Arrays.stream(yHeldOut).average().orElse(0);
        System.out.printf("{\"corpus\":\"%s\",\"train_pairs\":%d,\"held_out_pairs\":%d,\"train_accuracy\":%.4f,"
                        + "\"held_out_accuracy\":%.4f,\"held_out_majority\":%.4f}%n",
                all.name(), trainPairs.size(), heldOutPairs.size(), accuracy(w, xTrain, yTrain), accuracy(w, xHeldOut, yHeldOut),
                Math.max(random, 1 - random));
    }

    private static List<Example> pairs(SentencePairs source, long epoch) {
        List<Example> out = new ArrayList<>();
        try (ExampleStream s = source.open(epoch)) {
            s.forEachRemaining(out::add);
        }
        return out;
    }

    /** Non-special tokens of segment 0 (A) or 1 (B). */
    private static List<Integer> segment(Example x, int which) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < x.length(); i++) {
            if (!x.special()[i] && x.segments()[i] == which) {
                out.add(x.tokens()[i]);
            }
        }
        return out;
    }

    private static double[][] features(List<Example> pairs, Set<Integer> stop, Map<Integer, Double> idf) {
        double[][] out = new double[pairs.size()][];
        for (int k = 0; k < pairs.size(); k++) {
            Set<Integer> a = new HashSet<>(segment(pairs.get(k), 0));
            Set<Integer> b = new HashSet<>(segment(pairs.get(k), 1));
            a.removeAll(stop);
            b.removeAll(stop);
            Set<Integer> shared = new HashSet<>(a);
            shared.retainAll(b);
            double sharedIdf = shared.stream().mapToDouble(t -> idf.getOrDefault(t, 0.0)).sum();
            double aIdf = a.stream().mapToDouble(t -> idf.getOrDefault(t, 0.0)).sum();
            double bIdf = b.stream().mapToDouble(t -> idf.getOrDefault(t, 0.0)).sum();
            out[k] = new double[] {
                shared.size() / (double) Math.max(1, Math.min(a.size(), b.size())),
                sharedIdf / Math.max(1e-9, Math.sqrt(aIdf * bIdf)),
                sharedIdf,
                shared.size(),
                a.size(),
                b.size(),
            };
        }
        return out;
    }

    private static void standardise(double[][] train, double[][] other) {
        int d = train[0].length;
        for (int j = 0; j < d; j++) {
            double mean = 0;
            for (double[] r : train) {
                mean += r[j];
            }
            mean /= train.length;
            double var = 0;
            for (double[] r : train) {
                var += (r[j] - mean) * (r[j] - mean);
            }
            double sd = Math.sqrt(var / train.length) + 1e-9;
            for (double[][] m : new double[][][] {train, other}) {
                for (double[] r : m) {
                    r[j] = (r[j] - mean) / sd;
                }
            }
        }
    }

    /** Logistic regression (weights then bias) by full-batch gradient descent. */
    private static double[] fit(double[][] x, int[] y) {
        int d = x[0].length;
        double[] w = new double[d + 1];
        for (int it = 0; it < 3000; it++) {
            double[] grad = new double[d + 1];
            for (int i = 0; i < x.length; i++) {
                double err = sigmoid(score(w, x[i])) - y[i];
                for (int j = 0; j < d; j++) {
                    grad[j] += err * x[i][j];
                }
                grad[d] += err;
            }
            for (int j = 0; j <= d; j++) {
                w[j] -= 0.5 * grad[j] / x.length;
            }
        }
        return w;
    }

    private static double score(double[] w, double[] x) {
        double s = w[x.length];
        for (int j = 0; j < x.length; j++) {
            s += w[j] * x[j];
        }
        return s;
    }

    private static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    private static double accuracy(double[] w, double[][] x, int[] y) {
        int right = 0;
        for (int i = 0; i < x.length; i++) {
            if ((score(w, x[i]) > 0 ? 1 : 0) == y[i]) {
                right++;
            }
        }
        return right / (double) x.length;
    }
}

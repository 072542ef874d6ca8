package org.pretrain4j.weights.bench;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Random;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.weights.SafetensorsWriter;
import org.pretrain4j.weights.WeightFiles;
import org.pretrain4j.weights.WeightReader;

/**
 * Weight-loading benchmark (a command, not a test): writes a synthetic BERT-base sized
 * {@code model.safetensors} (the 110 M parameters of BertForPreTraining, Hugging Face names and
 * shapes) with our writer, then loads every tensor as float32 several times and reports the median
 * time and the extra memory: peak heap and direct memory during the load, minus what was in use
 * before it and minus the weights themselves (the float arrays handed out).
 *
 * <pre>
 * mvn -q -o -pl core test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
 *     -Dexec.args="-Xmx3g -cp %classpath org.pretrain4j.weights.bench.WeightLoadBenchmark --runs 5"
 * </pre>
 * Options: {@code --runs N} (default 5), {@code --folder DIR} (load that model folder instead of the synthetic file).
 */
public final class WeightLoadBenchmark {
    private WeightLoadBenchmark() {}

    public static void main(String[] args) throws Exception {
        int runs = 5;
        Path folder = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--folder" -> folder = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (--runs N, --folder DIR)");
            }
        }
        Path temporary = null;
        if (folder == null) {
            temporary = Files.createTempDirectory("bert-base");
            folder = temporary;
            long start = System.nanoTime();
            long parameters = writeBertBase(folder.resolve("model.safetensors"));
            System.out.printf("wrote %s: %,d parameters, %,d bytes in %.2f s%n", folder.resolve("model.safetensors"), parameters,
                    Files.size(folder.resolve("model.safetensors")), (System.nanoTime() - start) / 1e9);
        }
        System.out.printf("cores available: %d, max heap %d MB%n", Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20);
        double[] seconds = new double[runs];
        double[] extra = new double[runs];
        double[] cpu = new double[runs];
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long weightBytes = 0;
        for (int r = 0; r < runs; r++) {
            System.gc();
            long before = heapUsed() + direct();
            ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
            long start = System.nanoTime();
            long startCpu = threads.getCurrentThreadCpuTime();
            List<HostTensor> tensors = new ArrayList<>();
            try (WeightReader reader = WeightFiles.open(folder)) {
                for (String name : reader.names()) {
                    tensors.add(reader.read(name));
                }
            }
            seconds[r] = (System.nanoTime() - start) / 1e9;
            cpu[r] = (threads.getCurrentThreadCpuTime() - startCpu) / 1e9;
            long peak = heapPeak() + direct();
            weightBytes = tensors.stream().mapToLong(t -> 4L * t.size()).sum();
            extra[r] = (peak - before - weightBytes) / (double) weightBytes;
            System.out.printf("run %d: %.3f s (%.3f s CPU), %d tensors, %,d MB of weights, extra memory %.2fx the weights%n", r + 1,
                    seconds[r], cpu[r], tensors.size(), weightBytes >> 20, extra[r]);
        }
        System.out.printf("median load time %.3f s wall, %.3f s CPU of the loading thread; median extra heap+direct memory %.2fx the weights' %,d MB (mapped file pages not counted: page cache)%n",
                median(seconds), median(cpu), median(extra), weightBytes >> 20);
        if (temporary != null) {
            Files.deleteIfExists(temporary.resolve("model.safetensors"));
            Files.deleteIfExists(temporary);
        }
    }

    /** BertForPreTraining at BERT-base size (vocabulary 30522, hidden 768, 12 layers, ffn 3072): 110 M parameters. */
    static long writeBertBase(Path file) {
        int vocab = 30522;
        int hidden = 768;
        int ffn = 3072;
        LinkedHashMap<String, HostTensor> t = new LinkedHashMap<>();
        Random random = new Random(110);
        add(t, random, "bert.embeddings.word_embeddings.weight", vocab, hidden);
        add(t, random, "bert.embeddings.position_embeddings.weight", 512, hidden);
        add(t, random, "bert.embeddings.token_type_embeddings.weight", 2, hidden);
        add(t, random, "bert.embeddings.LayerNorm.weight", hidden);
        add(t, random, "bert.embeddings.LayerNorm.bias", hidden);
        for (int l = 0; l < 12; l++) {
            String p = "bert.encoder.layer." + l + ".";
            for (String m : new String[] {"attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"}) {
                add(t, random, p + m + ".weight", hidden, hidden);
                add(t, random, p + m + ".bias", hidden);
            }
            add(t, random, p + "attention.output.LayerNorm.weight", hidden);
            add(t, random, p + "attention.output.LayerNorm.bias", hidden);
            add(t, random, p + "intermediate.dense.weight", ffn, hidden);
            add(t, random, p + "intermediate.dense.bias", ffn);
            add(t, random, p + "output.dense.weight", hidden, ffn);
            add(t, random, p + "output.dense.bias", hidden);
            add(t, random, p + "output.LayerNorm.weight", hidden);
            add(t, random, p + "output.LayerNorm.bias", hidden);
        }
        add(t, random, "bert.pooler.dense.weight", hidden, hidden);
        add(t, random, "bert.pooler.dense.bias", hidden);
        add(t, random, "cls.predictions.bias", vocab);
        add(t, random, "cls.predictions.transform.dense.weight", hidden, hidden);
        add(t, random, "cls.predictions.transform.dense.bias", hidden);
        add(t, random, "cls.predictions.transform.LayerNorm.weight", hidden);
        add(t, random, "cls.predictions.transform.LayerNorm.bias", hidden);
        add(t, random, "cls.seq_relationship.weight", 2, hidden);
        add(t, random, "cls.seq_relationship.bias", 2);
        SafetensorsWriter.write(file, t, java.util.Map.of("format", "pt"));
        return t.values().stream().mapToLong(HostTensor::size).sum();
    }

    private static void add(LinkedHashMap<String, HostTensor> tensors, Random random, String name, long... shape) {
        float[] values = new float[(int) HostTensor.elementCount(shape)];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * 0.02);
        }
        tensors.put(name, HostTensor.ofFloats(shape, values));
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getUsage().getUsed()).sum();
    }

    /** Sum of the heap pools' peaks: an upper bound on the peak heap (the pools peak at different times). */
    private static long heapPeak() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }

    private static long direct() {
        return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream().filter(b -> b.getName().equals("direct"))
                .mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }
}

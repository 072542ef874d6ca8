package org.pretrain4j.backend.onnx.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.pretrain4j.backend.onnx.OnnxBackend;
import org.pretrain4j.backend.onnx.OnnxConfig;
import org.pretrain4j.data.Batch;
import org.pretrain4j.graph.AdamW;
import org.pretrain4j.graph.Executable;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.graph.Program;
import org.pretrain4j.graph.Tensor;
import org.pretrain4j.nn.TransformerConfig;
import org.pretrain4j.spi.AttentionKind;
import org.pretrain4j.spi.MaskingStrategyFactory;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.spi.ObjectiveFactory;
import org.pretrain4j.train.TrainingGraphs;

/**
 * A long run that watches resident memory: {@code MemoryCheck STEPS OBJECTIVE} trains a tiny model
 * (2 layers, hidden 128, vocabulary 1000, batch 8 x 64) for STEPS steps on cycling random batches
 * with changing masked counts, printing VmRSS every STEPS/20 steps as JSON lines. A flat line after
 * warm-up shows that no step leaks native or heap memory.
 */
public final class MemoryCheck {
    private MemoryCheck() {}

    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        String name = args.length > 1 ? args[1] : "mlm";
        Objective objective = null;
        for (ObjectiveFactory f : ServiceLoader.load(ObjectiveFactory.class)) {
            if (f.name().equals(name)) {
                objective = f.create(Map.of(), (strategy, properties) -> ServiceLoader.load(MaskingStrategyFactory.class).stream()
                        .map(ServiceLoader.Provider::get).filter(m -> m.name().equals(strategy)).findFirst().orElseThrow().create(properties));
            }
        }
        if (objective == null) {
            throw new IllegalArgumentException("objective '" + name + "' not on the class path");
        }
        TransformerConfig config = TransformerConfig.preset(TransformerConfig.Preset.TINY, 1000, 64, objective.attention());
        SyntheticTokenizer tokenizer = new SyntheticTokenizer(1000, objective.attention() == AttentionKind.CAUSAL);
        TrainingGraphs graphs = new TrainingGraphs(config, tokenizer.specialTokens(), objective, AdamW.Config.bert(), 1);
        Program step = graphs.trainingStep();
        List<Batch> batches = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            batches.add(OnnxBenchmark.randomBatch(objective, tokenizer, 8, 64, 77 + i));
        }
        try (OnnxBackend backend = new OnnxBackend(OnnxConfig.parse(Map.of("threads", "2"))); Executable exe = backend.compile(step)) {
            long t0 = System.nanoTime();
            for (int s = 1; s <= steps; s++) {
                Batch b = batches.get(s % batches.size());
                Map<String, HostTensor> all = new LinkedHashMap<>(b.inputs());
                all.putAll(graphs.lossScales(b.counts()));
                all.put(TrainingGraphs.LEARNING_RATE, HostTensor.scalar(1e-4f));
                all.put(TrainingGraphs.STEP, HostTensor.scalar((float) s));
                all.put("dropout_seed", HostTensor.scalar((long) s));
                Map<String, HostTensor> feed = new LinkedHashMap<>();
                for (Tensor in : step.inputs()) {
                    feed.put(in.name(), all.get(in.name()));
                }
                Map<String, HostTensor> out = exe.run(feed);
                if (s % Math.max(1, steps / 20) == 0 || s == 1) {
                    System.out.printf("{\"step\":%d,\"rss_mb\":%.1f,\"peak_rss_mb\":%.1f,\"heap_used_mb\":%.1f,\"loss\":%.4f,\"seconds\":%.1f}%n", s,
                            Measurements.currentRssMb(), Measurements.peakRssMb(),
                            (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / 1048576.0,
                            out.get(TrainingGraphs.LOSS).floatValue(), (System.nanoTime() - t0) / 1e9);
                }
            }
        }
    }
}

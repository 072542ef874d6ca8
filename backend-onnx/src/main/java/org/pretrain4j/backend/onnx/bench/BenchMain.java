package org.pretrain4j.backend.onnx.bench;

import java.util.Map;
import java.util.ServiceLoader;
import org.pretrain4j.backend.onnx.OnnxConfig;
import org.pretrain4j.nn.TransformerConfig;
import org.pretrain4j.spi.MaskingStrategyFactory;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.spi.ObjectiveFactory;

/**
 * A command for measuring without the app: {@code java -cp ... org.pretrain4j.backend.onnx.bench.BenchMain
 * PRESET OBJECTIVE BATCH SEQ VOCAB THREADS [train|infer] [key=value backend properties...]}. The
 * objective is found with ServiceLoader (its module must be on the class path, with no properties).
 */
public final class BenchMain {
    private BenchMain() {}

    public static void main(String[] args) {
        if (args.length < 6) {
            System.err.println("usage: BenchMain PRESET OBJECTIVE BATCH SEQ VOCAB THREADS [train|infer] [key=value...]");
            System.exit(2);
        }
        TransformerConfig.Preset preset = TransformerConfig.Preset.parse(args[0]);
        Objective objective = null;
        for (ObjectiveFactory f : ServiceLoader.load(ObjectiveFactory.class)) {
            if (f.name().equals(args[1])) {
                objective = f.create(Map.of(), (name, properties) -> {
                    for (MaskingStrategyFactory m : ServiceLoader.load(MaskingStrategyFactory.class)) {
                        if (m.name().equals(name)) {
                            return m.create(properties);
                        }
                    }
                    throw new IllegalArgumentException("masking strategy '" + name + "' not on the class path");
                });
            }
        }
        if (objective == null) {
            throw new IllegalArgumentException("objective '" + args[1] + "' not on the class path");
        }
        int batch = Integer.parseInt(args[2]);
        int seq = Integer.parseInt(args[3]);
        int vocab = Integer.parseInt(args[4]);
        Map<String, String> props = new java.util.HashMap<>();
        props.put("threads", args[5]);
        BenchOptions.Mode mode = args.length > 6 && args[6].equals("infer") ? BenchOptions.Mode.INFER : BenchOptions.Mode.TRAIN;
        for (int i = 7; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            props.put(kv[0], kv[1]);
        }
        TransformerConfig config = TransformerConfig.preset(preset, vocab, seq, objective.attention());
        String dropout = System.getProperty("bench.dropout");
        if (dropout != null) {
            config = config.withDropout(Double.parseDouble(dropout), Double.parseDouble(dropout));
        }
        int windows = Integer.getInteger("bench.windows", 3);
        int steps = Integer.getInteger("bench.steps", 5);
        BenchOptions options = new BenchOptions(batch, seq, OnnxConfig.parse(props), mode, Integer.getInteger("bench.warmup", 3),
                windows, steps, Integer.getInteger("bench.gemm", 2048), 1);
        System.out.println(OnnxBenchmark.run(args[0], config, objective, options).toJson());
    }
}

package org.pretrain4j.backend.onnx.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pretrain4j.backend.onnx.OnnxBackend;
import org.pretrain4j.backend.onnx.OnnxConfig;
import org.pretrain4j.data.Batch;
import org.pretrain4j.graph.AdamW;
import org.pretrain4j.graph.Executable;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.graph.Program;
import org.pretrain4j.graph.Tensor;
import org.pretrain4j.nn.TransformerConfig;
import org.pretrain4j.objective.Objectives;
import org.pretrain4j.spi.AttentionKind;
import org.pretrain4j.spi.ExportRequest;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.testkit.FakePairObjective;
import org.pretrain4j.testkit.FakeTokenObjective;
import org.pretrain4j.testkit.TinyModels;
import org.pretrain4j.text.SpecialTokens;
import org.pretrain4j.text.Tokenizer;
import org.pretrain4j.train.TrainingGraphs;

/**
 * The exported graphs against the training graphs: the losses recomputed from the exported logits
 * equal the evaluation step's on padded batches, padding changes nothing, and the decoder's
 * token-by-token decoding through the key-value cache (also left-padded, as transformers.js
 * batches) equals the full forward, all within 1e-4.
 */
final class ExportParityTest {
    private static final double TOLERANCE = 1e-4;

    /** A trained model: its graphs, state after two AdamW steps, and its export folder. */
    record Trained(TrainingGraphs graphs, Map<String, HostTensor> state, Path export, Tokenizer tokenizer) {}

    static Map<String, HostTensor> inputsOf(Program program, Map<String, HostTensor> available) {
        Map<String, HostTensor> selected = new LinkedHashMap<>();
        for (Tensor t : program.inputs()) {
            HostTensor v = available.get(t.name());
            if (v == null) {
                throw new IllegalArgumentException("no value for input " + t.name());
            }
            selected.put(t.name(), v);
        }
        return selected;
    }

    static Trained train(TransformerConfig config, SpecialTokens specials, Objective objective, Tokenizer tokenizer, Path dir,
                         int[] lengths) throws Exception {
        return train(config, specials, objective, tokenizer, dir, lengths, 2);
    }

    static Trained train(TransformerConfig config, SpecialTokens specials, Objective objective, Tokenizer tokenizer, Path dir,
                         int[] lengths, int steps) throws Exception {
        TrainingGraphs graphs = new TrainingGraphs(config, specials, objective, AdamW.Config.bert(), 17);
        Map<String, HostTensor> state;
        try (OnnxBackend backend = new OnnxBackend(OnnxConfig.parse(Map.of("threads", "2")));
             Executable step = backend.compile(graphs.trainingStep())) {
            for (int s = 1; s <= steps; s++) {
                Batch batch = TinyModels.batch(objective, specials, lengths, TinyModels.SEQUENCE, 100 + s);
                Map<String, HostTensor> all = TinyModels.merge(batch.inputs(), graphs.lossScales(batch.counts()),
                        Map.of(TrainingGraphs.LEARNING_RATE, HostTensor.scalar(0.05f), TrainingGraphs.STEP, HostTensor.scalar((float) s),
                                "dropout_seed", HostTensor.scalar((long) s)));
                step.run(inputsOf(graphs.trainingStep(), all));
            }
            state = step.readState();
        }
        Map<String, Program> export = graphs.exportPrograms();
        OnnxExporter.export(new ExportRequest(export.get("model"), export.get("encoder"), state, config, tokenizer, objective.name(),
                objective.exportMetadata(), "{\"test\":true}"), dir);
        return new Trained(graphs, state, dir, tokenizer);
    }

    static Map<String, HostTensor> evaluate(Trained t, Batch batch) {
        Program eval = t.graphs().evaluationStep();
        try (OnnxBackend backend = new OnnxBackend(OnnxConfig.parse(Map.of("threads", "2")));
             Executable exe = backend.compile(eval)) {
            exe.loadState(TrainingGraphs.stateFor(eval, t.state()));
            return exe.run(inputsOf(eval, batch.inputs()));
        }
    }

    /** Sum over labelled rows of -log softmax(logits)[label]; logits [n, V] flattened, labels [n] with -100 ignored. */
    static double crossEntropySum(float[] logits, long[] labels, int classes) {
        double sum = 0;
        for (int r = 0; r < labels.length; r++) {
            if (labels[r] < 0) {
                continue;
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, logits[r * classes + c]);
            }
            double z = 0;
            for (int c = 0; c < classes; c++) {
                z += Math.exp(logits[r * classes + c] - max);
            }
            sum += -(logits[r * classes + (int) labels[r]] - max - Math.log(z));
        }
        return sum;
    }

    static void assertRowsClose(String what, float[] actual, int actualOffset, float[] expected, int expectedOffset, int count) {
        double scale = 0;
        for (int i = 0; i < count; i++) {
            scale = Math.max(scale, Math.abs(expected[expectedOffset + i]));
        }
        for (int i = 0; i < count; i++) {
            assertThat((double) actual[actualOffset + i]).as("%s[%d]", what, i)
                    .isCloseTo(expected[expectedOffset + i], within(TOLERANCE * Math.max(1, scale)));
        }
    }

    static HostTensor longs(long[] shape, long... values) {
        return HostTensor.ofLongs(shape, values);
    }

    @Test
    void encoderExportMatchesTheTrainingGraph(@TempDir Path tmp) throws Exception {
        Objective objective = Objectives.compose(List.of(new FakeTokenObjective(AttentionKind.BIDIRECTIONAL), new FakePairObjective()),
                Map.of("fake-pair", 0.5));
        TransformerConfig config = TinyModels.config(AttentionKind.BIDIRECTIONAL, 0.1);
        Trained t = train(config, TinyModels.BERT_TOKENS, objective, new HandWrittenWordPiece(), tmp.resolve("bert"), new int[] {8, 5, 6});
        int[] lengths = {8, 3, 6};
        Batch batch = TinyModels.batch(objective, TinyModels.BERT_TOKENS, lengths, TinyModels.SEQUENCE, 999);
        Map<String, HostTensor> eval = evaluate(t, batch);
        int v = config.vocabularySize();
        int s = TinyModels.SEQUENCE;
        try (OrtRunner model = new OrtRunner(t.export().resolve("onnx/model.onnx"));
             OrtRunner encoder = new OrtRunner(t.export().resolve("onnx/encoder.onnx"))) {
            Map<String, HostTensor> out = model.run(batch.inputs());
            double tokenLoss = crossEntropySum(out.get("logits").floats(), batch.inputs().get(FakeTokenObjective.LABELS).longs(), v);
            double pairLoss = crossEntropySum(out.get("seq_relationship_logits").floats(), batch.inputs().get(FakePairObjective.LABELS).longs(), 2);
            float expectedToken = eval.get(FakeTokenObjective.TERM + "/loss_sum").floatValue();
            float expectedPair = eval.get(FakePairObjective.TERM + "/loss_sum").floatValue();
            assertThat(tokenLoss).isCloseTo(expectedToken, within(TOLERANCE * Math.abs(expectedToken)));
            assertThat(pairLoss).isCloseTo(expectedPair, within(TOLERANCE * Math.max(1, Math.abs(expectedPair))));

            // The short row alone, without padding, gives the same logits and pooled output.
            int row = 1;
            int n = lengths[row];
            long[] ids = new long[n];
            long[] ones = new long[n];
            long[] types = new long[n];
            for (int i = 0; i < n; i++) {
                ids[i] = batch.inputs().get("input_ids").longs()[row * s + i];
                types[i] = batch.inputs().get("token_type_ids").longs()[row * s + i];
                ones[i] = 1;
            }
            Map<String, HostTensor> alone = Map.of("input_ids", longs(new long[] {1, n}, ids), "attention_mask", longs(new long[] {1, n}, ones),
                    "token_type_ids", longs(new long[] {1, n}, types));
            assertRowsClose("logits of the unpadded row", model.run(alone).get("logits").floats(), 0,
                    out.get("logits").floats(), row * s * v, n * v);
            Map<String, HostTensor> features = encoder.run(batch.inputs());
            assertRowsClose("pooled output of the unpadded row", encoder.run(alone).get("output_1").floats(), 0,
                    features.get("output_1").floats(), row * config.hidden(), config.hidden());

            // encoder.onnx equals its program run through the backend with the trained state.
            Program encoderProgram = t.graphs().exportPrograms().get("encoder");
            try (OnnxBackend backend = new OnnxBackend(OnnxConfig.parse(Map.of("threads", "1")));
                 Executable exe = backend.compile(encoderProgram)) {
                exe.loadState(TrainingGraphs.stateFor(encoderProgram, t.state()));
                Map<String, HostTensor> expected = exe.run(inputsOf(encoderProgram, batch.inputs()));
                for (String name : List.of("output_0", "output_1")) {
                    assertRowsClose(name, features.get(name).floats(), 0, expected.get(name).floats(), 0, expected.get(name).size());
                }
            }
        }
    }

    static final TransformerConfig DECODER = new TransformerConfig(2, 16, 2, 32, new HandWrittenByteBpe().vocabularySize(), 32, 1,
            AttentionKind.CAUSAL, 0.1, 0.1, 1e-5, 0.2);

    /** Runs the cached decoder on a batch with the given past (null: empty) and returns its outputs. */
    static Map<String, HostTensor> decode(OrtRunner model, long[][] ids, long[][] mask, long[][] positions, Map<String, HostTensor> past) throws Exception {
        int b = ids.length;
        int n = ids[0].length;
        int total = mask[0].length;
        Map<String, HostTensor> in = new LinkedHashMap<>();
        in.put("input_ids", longs(new long[] {b, n}, flatten(ids)));
        in.put("attention_mask", longs(new long[] {b, total}, flatten(mask)));
        in.put("position_ids", longs(new long[] {b, n}, flatten(positions)));
        int heads = DECODER.heads();
        int hd = DECODER.headSize();
        for (int layer = 0; layer < DECODER.layers(); layer++) {
            for (String kind : List.of("key", "value")) {
                HostTensor p = past == null ? HostTensor.ofFloats(new long[] {b, heads, 0, hd}, new float[0])
                        : past.get("present." + layer + "." + kind);
                in.put("past_key_values." + layer + "." + kind, p);
            }
        }
        return model.run(in);
    }

    static long[] flatten(long[][] rows) {
        return java.util.Arrays.stream(rows).flatMapToLong(java.util.Arrays::stream).toArray();
    }

    @Test
    void decoderExportMatchesTheTrainingGraphAndItsCacheTheFullForward(@TempDir Path tmp) throws Exception {
        HandWrittenByteBpe tokenizer = new HandWrittenByteBpe();
        SpecialTokens specials = tokenizer.specialTokens();
        Objective objective = new FakeTokenObjective(AttentionKind.CAUSAL);
        Trained t = train(DECODER, specials, objective, tokenizer, tmp.resolve("gpt"), new int[] {8, 4, 6});
        int v = DECODER.vocabularySize();
        int s = TinyModels.SEQUENCE;
        int[] lengths = {8, 4, 6};
        Batch batch = TinyModels.batch(objective, specials, lengths, s, 4242);
        Map<String, HostTensor> eval = evaluate(t, batch);
        long[] ids = batch.inputs().get("input_ids").longs();
        long[] mask = batch.inputs().get("attention_mask").longs();
        try (OrtRunner model = new OrtRunner(t.export().resolve("onnx/model.onnx"))) {
            assertThat(model.session().getInputNames()).contains("input_ids", "attention_mask", "position_ids",
                    "past_key_values.0.key", "past_key_values.1.value");
            assertThat(model.session().getOutputNames()).contains("logits", "present.0.key", "present.1.value");
            ai.onnxruntime.TensorInfo pastInfo = (ai.onnxruntime.TensorInfo) model.session().getInputInfo().get("past_key_values.0.key").getInfo();
            assertThat(pastInfo.getDimensionNames()[0]).isEqualTo("batch_size");
            assertThat(pastInfo.getDimensionNames()[2]).isEqualTo("past_sequence_length");
            assertThat(pastInfo.getShape()[1]).isEqualTo(DECODER.heads());
            assertThat(pastInfo.getShape()[3]).isEqualTo(DECODER.headSize());
            ai.onnxruntime.TensorInfo maskInfo = (ai.onnxruntime.TensorInfo) model.session().getInputInfo().get("attention_mask").getInfo();
            assertThat(maskInfo.getDimensionNames()).containsExactly("batch_size", "total_sequence_length");
            ai.onnxruntime.TensorInfo present = (ai.onnxruntime.TensorInfo) model.session().getOutputInfo().get("present.1.value").getInfo();
            assertThat(present.getDimensionNames()[0]).isEqualTo("batch_size");
            assertThat(present.getDimensionNames()[2]).isEqualTo("total_sequence_length");
            assertThat(present.getShape()[1]).isEqualTo(DECODER.heads());
            assertThat(model.session().getInputNames()).doesNotContain("use_cache_branch", "num_logits_to_keep");

            // Full forward on the right-padded training batch: the evaluation step's loss.
            long[][] idRows = new long[3][s];
            long[][] maskRows = new long[3][s];
            long[][] posRows = new long[3][s];
            for (int b = 0; b < 3; b++) {
                for (int i = 0; i < s; i++) {
                    idRows[b][i] = ids[b * s + i];
                    maskRows[b][i] = mask[b * s + i];
                    posRows[b][i] = i;
                }
            }
            Map<String, HostTensor> full = decode(model, idRows, maskRows, posRows, null);
            double loss = crossEntropySum(full.get("logits").floats(), batch.inputs().get(FakeTokenObjective.LABELS).longs(), v);
            float expected = eval.get(FakeTokenObjective.TERM + "/loss_sum").floatValue();
            assertThat(loss).isCloseTo(expected, within(TOLERANCE * Math.abs(expected)));
            assertThat(full.get("present.0.key").shape()).containsExactly(3, DECODER.heads(), s, DECODER.headSize());

            // Token by token through the cache equals the full forward (row 0, all 8 tokens real).
            Map<String, HostTensor> past = null;
            for (int i = 0; i < s; i++) {
                long[][] m = {new long[i + 1]};
                java.util.Arrays.fill(m[0], 1);
                Map<String, HostTensor> stepOut = decode(model, new long[][] {{idRows[0][i]}}, m, new long[][] {{i}}, past);
                assertRowsClose("cached step " + i, stepOut.get("logits").floats(), 0, full.get("logits").floats(), i * v, v);
                past = stepOut;
            }

            // Left padding as transformers.js batches prompts: row 1 (4 tokens) padded on the left to 8.
            int n = lengths[1];
            long[][] leftIds = new long[2][s];
            long[][] leftMask = new long[2][s];
            long[][] leftPos = new long[2][s];
            for (int i = 0; i < s; i++) {
                leftIds[0][i] = idRows[0][i];
                leftMask[0][i] = 1;
                leftPos[0][i] = i;
                boolean real = i >= s - n;
                leftIds[1][i] = real ? idRows[1][i - (s - n)] : specials.pad();
                leftMask[1][i] = real ? 1 : 0;
                leftPos[1][i] = real ? i - (s - n) : 1;
            }
            Map<String, HostTensor> padded = decode(model, leftIds, leftMask, leftPos, null);
            assertRowsClose("left-padded row", padded.get("logits").floats(), (s + s - n) * v, full.get("logits").floats(), s * v, n * v);
            // One more token for both rows through the cache of the padded batch.
            long next0 = 7;
            long next1 = 9;
            long[][] mask2 = new long[2][s + 1];
            for (int i = 0; i < s; i++) {
                mask2[0][i] = leftMask[0][i];
                mask2[1][i] = leftMask[1][i];
            }
            mask2[0][s] = 1;
            mask2[1][s] = 1;
            Map<String, HostTensor> cont = decode(model, new long[][] {{next0}, {next1}}, mask2, new long[][] {{s}, {n}}, padded);
            long[] row1 = new long[n + 1];
            for (int i = 0; i < n; i++) {
                row1[i] = idRows[1][i];
            }
            row1[n] = next1;
            long[][] ones = {new long[n + 1]};
            java.util.Arrays.fill(ones[0], 1);
            long[][] pos = {new long[n + 1]};
            for (int i = 0; i <= n; i++) {
                pos[0][i] = i;
            }
            Map<String, HostTensor> single = decode(model, new long[][] {row1}, ones, pos, null);
            assertRowsClose("cached step after left padding", cont.get("logits").floats(), v, single.get("logits").floats(), n * v, v);
        }
    }
}

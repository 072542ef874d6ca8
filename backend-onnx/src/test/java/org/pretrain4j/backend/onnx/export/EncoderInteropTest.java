package org.pretrain4j.backend.onnx.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.interop.onnx.extractors.BERTFeatureExtractor;

/** An exported BERT encoder (TrainingGraphs) loaded by transformers.js (fill-mask, single and padded batch) and by Tribuo's BERTFeatureExtractor. */
final class EncoderInteropTest {
    @TempDir
    static Path tmp;
    static Path exportDir;
    static final org.pretrain4j.text.WordPieceTokenizer TOKENIZER = TrainedTokenizers.wordPiece();

    @BeforeAll
    static void export() throws Exception {
        // The real BERT graphs (TinyModels sizes: hidden 16) with MLM-like and NSP-like heads, trained two steps.
        exportDir = tmp.resolve("encoder-export");
        org.pretrain4j.nn.TransformerConfig config = new org.pretrain4j.nn.TransformerConfig(2, 16, 2, 32,
                Math.max(TOKENIZER.vocabularySize(), org.pretrain4j.testkit.TinyModels.VOCABULARY), 64, 2,
                org.pretrain4j.spi.AttentionKind.BIDIRECTIONAL, 0.1, 0.1, 1e-12, 0.2);
        ExportParityTest.train(config, TOKENIZER.specialTokens(),
                org.pretrain4j.objective.Objectives.compose(List.of(
                        new org.pretrain4j.testkit.FakeTokenObjective(org.pretrain4j.spi.AttentionKind.BIDIRECTIONAL),
                        new org.pretrain4j.testkit.FakePairObjective()), Map.of("fake-pair", 0.5)),
                TOKENIZER, exportDir, new int[] {8, 5, 6});

    }

    /** Runs an exported ONNX file on one unpadded sequence with ONNX Runtime Java. */
    static float[] runOne(String file, String output, int[] ids) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long[] shape = {1, ids.length};
        long[] idv = Arrays.stream(ids).asLongStream().toArray();
        long[] ones = new long[ids.length];
        Arrays.fill(ones, 1);
        try (OrtSession s = env.createSession(exportDir.resolve("onnx").resolve(file).toString(), new OrtSession.SessionOptions());
             OnnxTensor a = OnnxTensor.createTensor(env, LongBuffer.wrap(idv), shape);
             OnnxTensor m = OnnxTensor.createTensor(env, LongBuffer.wrap(ones), shape);
             OnnxTensor t = OnnxTensor.createTensor(env, LongBuffer.wrap(new long[ids.length]), shape);
             OrtSession.Result r = s.run(Map.of("input_ids", a, "attention_mask", m, "token_type_ids", t))) {
            OnnxTensor out = (OnnxTensor) r.get(output).orElseThrow();
            float[] v = new float[Math.toIntExact(out.getInfo().getNumElements())];
            out.getFloatBuffer().get(v);
            return v;
        }
    }

    @Test
    void exportPassesTheOnnxCheckerWithFullCheck() throws Exception {
        JsonNode report = OnnxChecker.checkExport(exportDir);
        assertThat(report.path("checked").size()).as("model.onnx and encoder.onnx").isEqualTo(2);
    }

    @Test
    void transformersJsFillMaskMatchesTheModelAlsoInAPaddedBatch() throws Exception {
        List<String> texts = List.of("The cat sat on the [MASK].", "The dog [MASK] in the park and the sky was grey!");
        JsonNode result = NodeScript.run("fill-mask", exportDir, texts);
        assertThat(result.path("has_token_type_ids").asBoolean()).isTrue();
        for (int k = 0; k < texts.size(); k++) {
            int[] ids = TOKENIZER.encodeForModel(texts.get(k)).ids();
            int maskAt = -1;
            for (int i = 0; i < ids.length; i++) {
                if (ids[i] == TOKENIZER.specialTokens().mask()) {
                    maskAt = i;
                }
            }
            assertThat(maskAt).as("the Java tokenizer keeps [MASK] whole").isPositive();
            JsonNode row = result.path("input_ids").get(k);
            for (int i = 0; i < ids.length; i++) {
                assertThat(row.get(i).asInt()).as("token %d of text %d", i, k).isEqualTo(ids[i]);
            }
            float[] logits = runOne("model.onnx", "logits", ids);
            int vocab = logits.length / ids.length;
            double[] probs = new double[vocab];
            double max = Double.NEGATIVE_INFINITY;
            for (int v = 0; v < vocab; v++) {
                max = Math.max(max, logits[maskAt * vocab + v]);
            }
            double z = 0;
            for (int v = 0; v < vocab; v++) {
                probs[v] = Math.exp(logits[maskAt * vocab + v] - max);
                z += probs[v];
            }
            final double norm = z;
            Integer[] order = new Integer[vocab];
            for (int v = 0; v < vocab; v++) {
                order[v] = v;
            }
            Arrays.sort(order, Comparator.comparingDouble(v -> -probs[v]));
            JsonNode single = result.path("singles").get(k);
            JsonNode batched = result.path("batch").get(k);
            assertThat(single.size()).isEqualTo(3);
            for (int r = 0; r < 3; r++) {
                assertThat(single.get(r).path("token").asInt()).isEqualTo(order[r]);
                assertThat(single.get(r).path("score").asDouble()).isCloseTo(probs[order[r]] / norm, within(1e-4));
                if (order[r] < TOKENIZER.vocabularySize()) {
                    assertThat(single.get(r).path("token_str").asText()).isEqualTo(TOKENIZER.decode(new int[] {order[r]}));
                }
                assertThat(batched.get(r).path("token").asInt()).isEqualTo(order[r]);
                assertThat(batched.get(r).path("score").asDouble()).isCloseTo(single.get(r).path("score").asDouble(), within(1e-4));
            }
        }
    }

    @Test
    void tribuoBertFeatureExtractorEmbedsTextWithTheEncoder() throws Exception {
        String text = "the cat sat on the mat";
        try (BERTFeatureExtractor<Label> extractor = new BERTFeatureExtractor<>(new LabelFactory(),
                exportDir.resolve("onnx/encoder.onnx"), exportDir.resolve("tokenizer.json"),
                BERTFeatureExtractor.OutputPooling.CLS, 32, false)) {
            Example<Label> example = extractor.extract(LabelFactory.UNKNOWN_LABEL, text);
            float[] expected = runOne("encoder.onnx", "output_1", TOKENIZER.encodeForModel(text).ids());
            assertThat(example.size()).isEqualTo(16);
            double[] actual = new double[16];
            for (Feature f : example) {
                actual[Integer.parseInt(f.getName().replaceAll("^\\D*", ""))] = f.getValue();
            }
            for (int i = 0; i < 16; i++) {
                assertThat(actual[i]).as("feature %d", i).isCloseTo(expected[i], within(1e-4));
            }
            assertThat(extractor.getVocab()).contains("[MASK]", "the");
        }
    }
}

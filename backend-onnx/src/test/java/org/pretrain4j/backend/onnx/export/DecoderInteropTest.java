package org.pretrain4j.backend.onnx.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.spi.AttentionKind;
import org.pretrain4j.testkit.FakeTokenObjective;

/** transformers.js text-generation on an exported decoder: greedy ids equal ONNX Runtime Java's, and a padded batch equals single prompts. */
final class DecoderInteropTest {

    /** Greedy decoding with the exported model and its cache, stopping at end of text. */
    static List<Long> greedy(OrtRunner model, long[] prompt, int newTokens, long eos, int v) throws Exception {
        List<Long> out = new ArrayList<>();
        long[][] ids = {prompt};
        long[][] mask = {ones(prompt.length)};
        long[][] pos = {range(0, prompt.length)};
        Map<String, HostTensor> past = null;
        int seen = 0;
        for (int step = 0; step < newTokens; step++) {
            Map<String, HostTensor> r = ExportParityTest.decode(model, ids, mask, pos, past);
            float[] logits = r.get("logits").floats();
            int last = (ids[0].length - 1) * v;
            int best = 0;
            for (int c = 1; c < v; c++) {
                if (logits[last + c] > logits[last + best]) {
                    best = c;
                }
            }
            out.add((long) best);
            if (best == eos) {
                break;
            }
            seen += ids[0].length;
            ids = new long[][] {{best}};
            mask = new long[][] {ones(seen + 1)};
            pos = new long[][] {{seen}};
            past = r;
        }
        return out;
    }

    static long[] ones(int n) {
        long[] a = new long[n];
        java.util.Arrays.fill(a, 1);
        return a;
    }

    static long[] range(int from, int to) {
        long[] a = new long[to - from];
        for (int i = 0; i < a.length; i++) {
            a[i] = from + i;
        }
        return a;
    }

    private static final org.pretrain4j.text.ByteLevelBpeTokenizer TOKENIZER = TrainedTokenizers.bytePairs();
    private static final org.pretrain4j.nn.TransformerConfig CONFIG = new org.pretrain4j.nn.TransformerConfig(2, 16, 2, 32,
            TOKENIZER.vocabularySize(), 32, 1, AttentionKind.CAUSAL, 0.1, 0.1, 1e-5, 0.2);

    /** A GPT-2 export (the real decoder graphs, KV cache included) trained three steps. */
    private static ExportParityTest.Trained exportDecoder(Path dir) throws Exception {
        return ExportParityTest.train(CONFIG, TOKENIZER.specialTokens(), new FakeTokenObjective(AttentionKind.CAUSAL), TOKENIZER,
                dir, new int[] {8, 4, 6}, 0);
    }

    @Test
    void exportPassesTheOnnxCheckerWithFullCheck(@TempDir Path tmp) throws Exception {
        JsonNode report = OnnxChecker.checkExport(exportDecoder(tmp.resolve("gpt")).export());
        assertThat(report.path("checked").size()).isEqualTo(1);
    }

    @Test
    void transformersJsGeneratesWhatTheModelPredictsAlsoInAPaddedBatch(@TempDir Path tmp) throws Exception {
        org.pretrain4j.text.ByteLevelBpeTokenizer tokenizer = TOKENIZER;
        org.pretrain4j.nn.TransformerConfig config = CONFIG;
        ExportParityTest.Trained t = exportDecoder(tmp.resolve("gpt"));
        List<String> prompts = List.of("The cat", "The dog ran in the park and the weather was");
        JsonNode result = NodeScript.run("text-generation", t.export(), prompts);
        for (int k = 0; k < prompts.size(); k++) {
            int[] javaIds = tokenizer.encode(prompts.get(k)).ids();
            List<Integer> jsIds = new ArrayList<>();
            result.path("prompt_ids").get(k).forEach(n -> jsIds.add(n.asInt()));
            assertThat(jsIds).as("transformers.js tokenizes prompt %d as the Java tokenizer does", k)
                    .containsExactlyElementsOf(java.util.Arrays.stream(javaIds).boxed().toList());
        }
        long eos = tokenizer.specialTokens().eos();
        java.util.Set<Long> allGenerated = new java.util.HashSet<>();
        try (OrtRunner model = new OrtRunner(t.export().resolve("onnx/model.onnx"))) {
            for (int k = 0; k < prompts.size(); k++) {
                JsonNode promptIds = result.path("prompt_ids").get(k);
                long[] prompt = new long[promptIds.size()];
                for (int i = 0; i < prompt.length; i++) {
                    prompt[i] = promptIds.get(i).asLong();
                }
                List<Long> expected = greedy(model, prompt, 6, eos, config.vocabularySize());
                List<Long> actual = new ArrayList<>();
                result.path("generated_ids").get(k).forEach(n -> actual.add(n.asLong()));
                assertThat(actual).as("greedy ids of prompt %d", k).isEqualTo(expected);
                String single = result.path("singles").get(k).get(0).path("generated_text").asText();
                String batched = result.path("batch").get(k).get(0).path("generated_text").asText();
                assertThat(batched).as("prompt %d in a left-padded batch", k).isEqualTo(single);
                allGenerated.addAll(actual);
            }
        }
    }
}

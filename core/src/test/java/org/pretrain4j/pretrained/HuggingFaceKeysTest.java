package org.pretrain4j.pretrained;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.nn.Activation;
import org.pretrain4j.nn.TransformerConfig;
import org.pretrain4j.spi.AttentionKind;
import org.pretrain4j.weights.WeightReader;

/** The key mapping both ways: export then load gives back every parameter exactly; the loading report names what it should. */
final class HuggingFaceKeysTest {
    private static final int H = 4;
    private static final int F = 6;
    private static final int V = 11;

    @ParameterizedTest
    @EnumSource(HuggingFaceArchitecture.class)
    void exportThenLoadIsTheIdentity(HuggingFaceArchitecture architecture) {
        TransformerConfig config = config(architecture);
        Map<String, HostTensor> state = randomState(architecture, config);

        LinkedHashMap<String, HostTensor> exported = HuggingFaceKeys.toHuggingFace(architecture, config, state);
        PretrainedWeights back = PretrainedWeights.read(new MapReader(exported), architecture, config, shapes(state));

        assertThat(back.missing()).isEmpty();
        assertThat(back.unexpected()).isEmpty();
        assertThat(back.state().keySet()).isEqualTo(state.keySet());
        state.forEach((name, value) -> assertThat(back.state().get(name).floats()).as(name).containsExactly(value.floats()));
    }

    @Test
    void gpt2JoinsQueryKeyValueIntoConv1dWithAZeroKeyBiasAndWritesTheTiedDecoderOnce() {
        TransformerConfig config = config(HuggingFaceArchitecture.GPT2);
        Map<String, HostTensor> state = randomState(HuggingFaceArchitecture.GPT2, config);

        LinkedHashMap<String, HostTensor> exported = HuggingFaceKeys.toHuggingFace(HuggingFaceArchitecture.GPT2, config, state);

        assertThat(exported).containsKey("transformer.wte.weight").doesNotContainKey("lm_head.weight");
        HostTensor fused = exported.get("transformer.h.0.attn.c_attn.weight");
        assertThat(fused.shape()).containsExactly(H, 3 * H);
        float[] query = state.get("layer_0/attention/query/weight").floats();
        float[] key = state.get("layer_0/attention/key/weight").floats();
        // Row 1 of the Conv1D weight: q's row 1, then k's, then v's.
        assertThat(fused.floats()[3 * H + 0]).isEqualTo(query[H]);
        assertThat(fused.floats()[3 * H + H]).isEqualTo(key[H]);
        float[] bias = exported.get("transformer.h.0.attn.c_attn.bias").floats();
        for (int i = H; i < 2 * H; i++) {
            assertThat(bias[i]).as("key bias").isZero();
        }
        assertThat(exported.get("transformer.h.0.mlp.c_fc.weight").shape()).as("Conv1D [in, out]").containsExactly(H, F);
    }

    @Test
    void bertWritesTheKeyBiasAsZerosAndLinearWeightsTransposed() {
        TransformerConfig config = config(HuggingFaceArchitecture.BERT);
        Map<String, HostTensor> state = randomState(HuggingFaceArchitecture.BERT, config);

        LinkedHashMap<String, HostTensor> exported = HuggingFaceKeys.toHuggingFace(HuggingFaceArchitecture.BERT, config, state);

        assertThat(exported.get("bert.encoder.layer.1.attention.self.key.bias").floats()).containsOnly(0f);
        assertThat(exported.get("bert.encoder.layer.0.intermediate.dense.weight").shape()).containsExactly(F, H);
        assertThat(exported).containsKey("cls.predictions.bias").doesNotContainKey("cls.predictions.decoder.weight")
                .containsKey("bert.pooler.dense.weight");
        state.remove("cls/seq_relationship/weight");
        state.remove("cls/seq_relationship/bias");
        assertThat(HuggingFaceKeys.toHuggingFace(HuggingFaceArchitecture.BERT, config, state))
                .as("BertForMaskedLM has no pooler").doesNotContainKey("bert.pooler.dense.weight");
    }

    @Test
    void readsBaseModelsWithoutPrefixOldLayerNormNamesAndIgnoresBuffers() {
        TransformerConfig config = config(HuggingFaceArchitecture.BERT);
        Map<String, HostTensor> state = randomState(HuggingFaceArchitecture.BERT, config);
        Map<String, HostTensor> baseOnly = new LinkedHashMap<>(state);
        baseOnly.keySet().removeIf(n -> n.startsWith("cls/") || n.startsWith("pooler/"));
        LinkedHashMap<String, HostTensor> file = new LinkedHashMap<>();
        HuggingFaceKeys.toHuggingFace(HuggingFaceArchitecture.BERT, config, baseOnly).forEach((k, v) -> file.put(
                k.replace("bert.", "").replace("LayerNorm.weight", "LayerNorm.gamma").replace("LayerNorm.bias", "LayerNorm.beta"), v));
        file.put("embeddings.position_ids", HostTensor.ofFloats(new long[] {1, 8}, new float[8]));
        file.put("some.other.head.weight", HostTensor.ofFloats(new long[] {2}, new float[2]));

        PretrainedWeights read = PretrainedWeights.read(new MapReader(file), HuggingFaceArchitecture.BERT, config, shapes(state));

        assertThat(read.state().get("embeddings/layer_norm/gamma").floats()).containsExactly(state.get("embeddings/layer_norm/gamma").floats());
        assertThat(read.missing()).as("heads a BertModel lacks, named as Hugging Face names them").contains(
                "cls.predictions.bias", "cls.seq_relationship.weight", "bert.pooler.dense.weight");
        assertThat(read.unexpected()).containsExactly("some.other.head.weight");
    }

    @Test
    void aShapeMismatchNamesTheFileTheKeyAndBothShapes() {
        TransformerConfig config = config(HuggingFaceArchitecture.GPT2);
        Map<String, HostTensor> state = randomState(HuggingFaceArchitecture.GPT2, config);
        LinkedHashMap<String, HostTensor> file = HuggingFaceKeys.toHuggingFace(HuggingFaceArchitecture.GPT2, config, state);
        file.put("transformer.wpe.weight", HostTensor.ofFloats(new long[] {5, H}, new float[5 * H]));

        assertThatThrownBy(() -> PretrainedWeights.read(new MapReader(file), HuggingFaceArchitecture.GPT2, config, shapes(state)))
                .isInstanceOf(PretrainedModelException.class)
                .hasMessage("/models/x/model.safetensors: tensor 'transformer.wpe.weight' has shape [5, 4] but the model described"
                        + " by config.json needs [16, 4]");
    }

    private static TransformerConfig config(HuggingFaceArchitecture architecture) {
        boolean causal = architecture == HuggingFaceArchitecture.GPT2;
        return new TransformerConfig(2, H, 2, F, V, 16, architecture == HuggingFaceArchitecture.BERT ? 2 : 1,
                causal ? AttentionKind.CAUSAL : AttentionKind.BIDIRECTIONAL, 0, 0, 1e-5, 0.02,
                causal ? Activation.GELU_TANH : Activation.GELU, architecture == HuggingFaceArchitecture.ROBERTA ? 1 : -1, !causal);
    }

    /** A random value for every parameter the mapping knows, in our layout. */
    private static Map<String, HostTensor> randomState(HuggingFaceArchitecture architecture, TransformerConfig c) {
        Random random = new Random(3);
        Map<String, HostTensor> state = new LinkedHashMap<>();
        for (HuggingFaceKeys.Entry e : HuggingFaceKeys.entries(architecture, c)) {
            if (e.ours() == null) {
                continue;
            }
            long[] shape = ourShape(e.ours(), c);
            float[] values = new float[(int) HostTensor.elementCount(shape)];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) random.nextGaussian();
            }
            state.put(e.ours(), HostTensor.ofFloats(shape, values));
        }
        return state;
    }

    private static long[] ourShape(String name, TransformerConfig c) {
        if (name.equals("embeddings/word")) {
            return new long[] {c.vocabularySize(), c.hidden()};
        }
        if (name.equals("embeddings/position")) {
            return new long[] {c.maxPositions(), c.hidden()};
        }
        if (name.equals("embeddings/token_type")) {
            return new long[] {c.typeVocabularySize(), c.hidden()};
        }
        if (name.equals("cls/predictions/output_bias")) {
            return new long[] {c.vocabularySize()};
        }
        if (name.startsWith("cls/seq_relationship/")) {
            return name.endsWith("weight") ? new long[] {c.hidden(), 2} : new long[] {2};
        }
        if (name.contains("ffn/intermediate/")) {
            return name.endsWith("weight") ? new long[] {c.hidden(), c.ffn()} : new long[] {c.ffn()};
        }
        if (name.contains("ffn/output/weight")) {
            return new long[] {c.ffn(), c.hidden()};
        }
        return name.endsWith("/weight") ? new long[] {c.hidden(), c.hidden()} : new long[] {c.hidden()};
    }

    private static Map<String, long[]> shapes(Map<String, HostTensor> state) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        state.forEach((k, v) -> shapes.put(k, v.shape()));
        return shapes;
    }

    /** Tensors in memory as a weights file. */
    private record MapReader(Map<String, HostTensor> tensors) implements WeightReader {
        @Override
        public Path file() {
            return Path.of("/models/x/model.safetensors");
        }

        @Override
        public Set<String> names() {
            return tensors.keySet();
        }

        @Override
        public long[] shape(String name) {
            return tensors.get(name).shape();
        }

        @Override
        public String dtype(String name) {
            return "F32";
        }

        @Override
        public HostTensor read(String name) {
            return tensors.get(name);
        }

        @Override
        public void close() {}
    }
}

package org.pretrain4j.backend.onnx.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pretrain4j.backend.onnx.OnnxBackend;
import org.pretrain4j.backend.onnx.OnnxConfig;
import org.pretrain4j.graph.Executable;
import org.pretrain4j.graph.GraphException;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.spi.ExportRequest;
import org.tribuo.ONNXExportable;

/** The export folder's files, ONNX structure and metadata, parity with the backend, and failure behaviour. */
final class OnnxExporterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static ExportRequest toyRequest(ToyEncoder toy) {
        return new ExportRequest(toy.model(), toy.encoder(), toy.state(), toy.config(), new HandWrittenWordPiece(), "mlm",
                Map.of("masked_lm", "logits"), "{\"objective\":\"mlm\",\"steps\":1}");
    }

    @Test
    void writesEveryFileTheContractNames(@TempDir Path tmp) throws Exception {
        ToyEncoder toy = ToyEncoder.create(HandWrittenWordPiece.VOCAB.size(), 16, 7);
        Path dir = tmp.resolve("export");
        OnnxExporter.ExportResult result = OnnxExporter.export(toyRequest(toy), dir);
        assertThat(result.directory()).isEqualTo(dir.toAbsolutePath());
        for (String f : List.of("config.json", "tokenizer.json", "tokenizer_config.json", "onnx/model.onnx", "onnx/encoder.onnx", "pretrain4j.json")) {
            assertThat(dir.resolve(f)).isRegularFile();
        }
        assertThat(dir.resolve("generation_config.json")).doesNotExist();
        try (Stream<Path> siblings = Files.list(tmp)) {
            assertThat(siblings.map(p -> p.getFileName().toString()).toList()).containsExactly("export");
        }

        JsonNode config = JSON.readTree(dir.resolve("config.json").toFile());
        assertThat(config.path("model_type").asText()).isEqualTo("bert");
        assertThat(config.path("architectures").get(0).asText()).isEqualTo("BertForMaskedLM");
        assertThat(config.path("vocab_size").asInt()).isEqualTo(HandWrittenWordPiece.VOCAB.size());
        assertThat(config.path("hidden_size").asInt()).isEqualTo(16);
        assertThat(config.path("hidden_act").asText()).isEqualTo("gelu");
        assertThat(config.path("transformers.js_config").path("dtype").asText()).isEqualTo("fp32");
        for (String key : List.of("num_hidden_layers", "num_attention_heads", "intermediate_size", "max_position_embeddings",
                "type_vocab_size", "layer_norm_eps", "pad_token_id")) {
            assertThat(config.has(key)).as(key).isTrue();
        }
        JsonNode tok = JSON.readTree(dir.resolve("tokenizer_config.json").toFile());
        assertThat(tok.path("tokenizer_class").asText()).isEqualTo("BertTokenizer");
        assertThat(tok.path("mask_token").asText()).isEqualTo("[MASK]");
        assertThat(tok.path("cls_token").asText()).isEqualTo("[CLS]");
        assertThat(tok.path("do_lower_case").asBoolean()).isTrue();
        assertThat(tok.path("model_max_length").asInt()).isLessThanOrEqualTo(config.path("max_position_embeddings").asInt());
        JsonNode p4j = JSON.readTree(dir.resolve("pretrain4j.json").toFile());
        assertThat(p4j.path("run_configuration").path("steps").asInt()).isEqualTo(1);
        assertThat(p4j.path("provenance").path("objective").asText()).isEqualTo("mlm");
        assertThat(p4j.path("metadata").path("mask_token_id").asText()).isEqualTo("4");

        OnnxMl.ModelProto proto = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(dir.resolve("onnx/model.onnx")));
        assertThat(proto.getIrVersion()).isEqualTo(8);
        assertThat(proto.getOpsetImportList()).singleElement().satisfies(o -> {
            assertThat(o.getDomain()).isEmpty();
            assertThat(o.getVersion()).isEqualTo(17);
        });
        assertThat(proto.getGraph().getNodeList()).allSatisfy(n -> assertThat(n.getDomain()).isEmpty());
        assertThat(proto.getGraph().getInitializerList()).anySatisfy(t -> assertThat(t.getName()).isEqualTo("embeddings/token"));

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession model = env.createSession(dir.resolve("onnx/model.onnx").toString(), new OrtSession.SessionOptions());
             OrtSession encoder = env.createSession(dir.resolve("onnx/encoder.onnx").toString(), new OrtSession.SessionOptions())) {
            assertThat(model.getInputNames()).containsExactlyInAnyOrder("input_ids", "attention_mask", "token_type_ids");
            assertThat(model.getOutputNames()).containsExactly("logits");
            assertThat(encoder.getInputNames()).containsExactlyInAnyOrder("input_ids", "attention_mask", "token_type_ids");
            assertThat(encoder.getOutputNames()).containsExactlyInAnyOrder("output_0", "output_1");
            for (NodeInfo info : model.getInputInfo().values()) {
                TensorInfo t = (TensorInfo) info.getInfo();
                assertThat(t.type).isEqualTo(ai.onnxruntime.OnnxJavaType.INT64);
                assertThat(t.getDimensionNames()).containsExactly("batch_size", "sequence_length");
            }
            TensorInfo logits = (TensorInfo) model.getOutputInfo().get("logits").getInfo();
            assertThat(logits.getDimensionNames()[0]).isEqualTo("batch_size");
            assertThat(logits.getShape()[2]).isEqualTo(HandWrittenWordPiece.VOCAB.size());
            TensorInfo out1 = (TensorInfo) encoder.getOutputInfo().get("output_1").getInfo();
            assertThat(out1.getShape()[1]).isEqualTo(16);

            Map<String, String> meta = model.getMetadata().getCustomMetadata();
            assertThat(meta).containsEntry("mask_token_id", "4").containsEntry("model_type", "bert").containsEntry("masked_lm", "logits");
            assertThat(meta.get(OnnxExporter.CONFIG_METADATA)).contains("\"steps\":1");
            ExportProvenance provenance = (ExportProvenance) ONNXExportable.SERIALIZER.deserializeAndUnmarshal(
                    meta.get(ONNXExportable.PROVENANCE_METADATA_FIELD));
            assertThat(provenance.facts()).containsEntry("objective", "mlm").containsEntry("hidden", "16");
            assertThat(provenance).isEqualTo(result.provenance());
        }
    }

    @Test
    void exportedModelMatchesTheBackendOnPaddedInputs(@TempDir Path tmp) throws Exception {
        ToyEncoder toy = ToyEncoder.create(HandWrittenWordPiece.VOCAB.size(), 16, 11);
        Path dir = tmp.resolve("export");
        OnnxExporter.export(toyRequest(toy), dir);
        int batch = 3;
        int seq = 7;
        Random random = new Random(5);
        long[] ids = new long[batch * seq];
        long[] mask = new long[batch * seq];
        long[] types = new long[batch * seq];
        int[] lengths = {7, 4, 2};
        for (int b = 0; b < batch; b++) {
            for (int s = 0; s < seq; s++) {
                boolean real = s < lengths[b];
                ids[b * seq + s] = real ? 5 + random.nextInt(HandWrittenWordPiece.VOCAB.size() - 5) : 0;
                mask[b * seq + s] = real ? 1 : 0;
                types[b * seq + s] = real && s > lengths[b] / 2 ? 1 : 0;
            }
        }
        long[] shape = {batch, seq};
        Map<String, HostTensor> inputs = Map.of("input_ids", HostTensor.ofLongs(shape, ids), "attention_mask", HostTensor.ofLongs(shape, mask),
                "token_type_ids", HostTensor.ofLongs(shape, types));
        Map<String, HostTensor> expected = new HashMap<>();
        try (OnnxBackend backend = new OnnxBackend(OnnxConfig.parse(Map.of("threads", "1")))) {
            for (var program : List.of(toy.model(), toy.encoder())) {
                try (Executable exe = backend.compile(program)) {
                    expected.putAll(exe.run(inputs));
                }
            }
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        for (String file : List.of("model.onnx", "encoder.onnx")) {
            try (OrtSession session = env.createSession(dir.resolve("onnx").resolve(file).toString(), new OrtSession.SessionOptions());
                 OnnxTensor a = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape);
                 OnnxTensor m = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape);
                 OnnxTensor t = OnnxTensor.createTensor(env, LongBuffer.wrap(types), shape);
                 OrtSession.Result r = session.run(Map.of("input_ids", a, "attention_mask", m, "token_type_ids", t))) {
                for (var e : r) {
                    float[] actual = new float[expected.get(e.getKey()).size()];
                    ((OnnxTensor) e.getValue()).getFloatBuffer().get(actual);
                    float[] want = expected.get(e.getKey()).floats();
                    for (int i = 0; i < want.length; i++) {
                        assertThat(actual[i]).as("%s[%d]", e.getKey(), i).isCloseTo(want[i], org.assertj.core.api.Assertions.within(1e-4f));
                    }
                }
            }
        }
    }

    @Test
    void unwritableDestinationFailsNamingItAndLeavesNothing(@TempDir Path tmp) throws IOException {
        Path locked = Files.createDirectory(tmp.resolve("locked"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            if (Files.isWritable(locked)) {
                return; // running as a user that ignores permissions (root): the check below cannot fail here
            }
            Path dir = locked.resolve("export");
            assertThatThrownBy(() -> OnnxExporter.export(toyRequest(ToyEncoder.create(HandWrittenWordPiece.VOCAB.size(), 8, 1)), dir))
                    .isInstanceOf(IOException.class).hasMessageContaining(dir.toString());
            try (Stream<Path> s = Files.list(locked)) {
                assertThat(s).isEmpty();
            }
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void destinationThatIsAFileFailsNamingIt(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("taken"), "x");
        assertThatThrownBy(() -> OnnxExporter.export(toyRequest(ToyEncoder.create(HandWrittenWordPiece.VOCAB.size(), 8, 1)), file))
                .isInstanceOf(IOException.class).hasMessageContaining(file.toString());
        assertThat(Files.readString(file)).isEqualTo("x");
    }

    @Test
    void failedExportKeepsThePreviousOneIntactAndLeavesNoPartialFolder(@TempDir Path tmp) throws IOException {
        ToyEncoder toy = ToyEncoder.create(HandWrittenWordPiece.VOCAB.size(), 8, 1);
        Path dir = tmp.resolve("export");
        OnnxExporter.export(toyRequest(toy), dir);
        byte[] before = Files.readAllBytes(dir.resolve("onnx/model.onnx"));
        Map<String, HostTensor> broken = new HashMap<>(toy.state());
        broken.put("pooler/bias", HostTensor.ofFloats(new long[] {3}, new float[3]));
        ExportRequest bad = new ExportRequest(toy.model(), toy.encoder(), broken, toy.config(), new HandWrittenWordPiece(), "mlm", Map.of(), "{}");
        assertThatThrownBy(() -> OnnxExporter.export(bad, dir)).isInstanceOf(GraphException.class).hasMessageContaining("pooler/bias");
        assertThat(Files.readAllBytes(dir.resolve("onnx/model.onnx"))).isEqualTo(before);
        try (Stream<Path> siblings = Files.list(tmp)) {
            assertThat(siblings.map(p -> p.getFileName().toString()).toList()).containsExactly("export");
        }
    }

    @Test
    void exportDimsNameBatchAndTotalSequence() {
        var dims = OnnxExporter.exportDims(List.of(org.pretrain4j.graph.Dim.symbol("b"), org.pretrain4j.graph.Dim.of(4),
                org.pretrain4j.graph.Dim.symbol("past_sequence_length+sequence_length"), org.pretrain4j.graph.Dim.of(8)));
        assertThat(dims.toString()).isEqualTo("[batch_size, 4, total_sequence_length, 8]");
    }
}

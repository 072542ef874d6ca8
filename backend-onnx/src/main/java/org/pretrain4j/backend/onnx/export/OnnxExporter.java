package org.pretrain4j.backend.onnx.export;

import static java.util.Objects.requireNonNull;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.pretrain4j.backend.onnx.OnnxBackend;
import org.pretrain4j.backend.onnx.OnnxLowering;
import org.pretrain4j.graph.Dim;
import org.pretrain4j.graph.GraphException;
import org.pretrain4j.graph.Program;
import org.pretrain4j.graph.Tensor;
import org.pretrain4j.nn.TransformerConfig;
import org.pretrain4j.spi.AttentionKind;
import org.pretrain4j.spi.ExportFolder;
import org.pretrain4j.spi.ExportRequest;
import org.pretrain4j.text.SpecialTokens;
import org.pretrain4j.text.Tokenizer;
import org.tribuo.ONNXExportable;

/**
 * Writes an export folder as {@code EXPORT.md} describes: {@code onnx/model.onnx} (and
 * {@code onnx/encoder.onnx} for encoders) with the weights inside as float32 initializers, opset 17
 * and IR version 8, plus {@code config.json}, {@code tokenizer.json}, {@code tokenizer_config.json},
 * {@code generation_config.json} (decoders) and {@code pretrain4j.json}. {@link #export} writes a
 * whole folder through {@link ExportFolder} (a temporary sibling folder first, so a failure leaves
 * the target as it was; over an earlier export only {@link #OWN_FILES} are replaced, a user's other
 * files stay); {@link #writeInto} adds the files to a folder that other export formats share.
 */
public final class OnnxExporter {
    /** The symbolic name of dim 0 of every input and output. */
    public static final String BATCH = "batch_size";
    /** Metadata key of the run configuration JSON. */
    public static final String CONFIG_METADATA = "pretrain4j.run_configuration";

    /** Every file an export of the {@code onnx} and {@code safetensors} formats may write, relative to its folder. */
    public static final List<String> OWN_FILES = List.of("onnx/model.onnx", "onnx/encoder.onnx", "model.safetensors",
            "tokenizer.json", "tokenizer_config.json", "generation_config.json", "config.json", "pretrain4j.json");

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private OnnxExporter() {}

    /** What was written. */
    public record ExportResult(Path directory, List<Path> files, ExportProvenance provenance) {}

    /**
     * Writes the export folder; an existing folder at {@code directory} is replaced only once the new
     * one is complete. Throws IOException naming the folder when it cannot be written, and
     * GraphException when the programs do not follow the export contract.
     */
    public static ExportResult export(ExportRequest request, Path directory) throws IOException {
        requireNonNull(request, "request is null");
        Path target = requireNonNull(directory, "directory is null").toAbsolutePath().normalize();
        boolean decoder = request.config().attention() == AttentionKind.CAUSAL;
        validate(request, decoder);
        ExportProvenance provenance = provenance(request, decoder);
        List<Path> written = ExportFolder.write(target, OWN_FILES, temp -> writeAll(request, decoder, provenance, temp));
        return new ExportResult(target, written, provenance);
    }

    /**
     * Writes the ONNX files into {@code directory}, an existing folder another export format may
     * have started: the shared Hugging Face files ({@code config.json}, the tokenizer files) only
     * where they are absent. The entry of {@link OnnxExportFormat}.
     */
    public static List<Path> writeInto(ExportRequest request, Path directory) throws IOException {
        requireNonNull(request, "request is null");
        requireNonNull(directory, "directory is null");
        boolean decoder = request.config().attention() == AttentionKind.CAUSAL;
        validate(request, decoder);
        return writeAll(request, decoder, provenance(request, decoder), directory);
    }

    /** The files an export of {@code request} holds, relative to the folder. */
    static List<String> files(ExportRequest request) {
        List<String> files = new ArrayList<>();
        files.add("onnx/model.onnx");
        if (request.encoder() != null) {
            files.add("onnx/encoder.onnx");
        }
        files.addAll(HuggingFaceFolder.files(request));
        files.add("pretrain4j.json");
        return files;
    }

    private static List<Path> writeAll(ExportRequest request, boolean decoder, ExportProvenance provenance, Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        Path onnx = Files.createDirectories(dir.resolve("onnx"));
        Map<String, String> metadata = metadata(request, provenance, decoder);

        files.add(writeModel(request.model(), request, metadata, "model", onnx.resolve("model.onnx"), decoder));
        if (request.encoder() != null) {
            files.add(writeModel(request.encoder(), request, metadata, "encoder", onnx.resolve("encoder.onnx"), decoder));
        }
        files.addAll(HuggingFaceFolder.writeShared(request, dir));
        files.add(writeJson(dir.resolve("pretrain4j.json"), pretrain4jJson(request, provenance, metadata, decoder)));
        return files;
    }

    private static boolean hasNsp(ExportRequest request) {
        return request.model().outputs().containsKey("seq_relationship_logits");
    }

    private static Path writeModel(Program program, ExportRequest request, Map<String, String> metadata, String graphName,
                                   Path file, boolean decoder) throws IOException {
        Map<String, List<Dim>> outputDims = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : program.outputs().entrySet()) {
            outputDims.put(e.getKey(), exportDims(e.getValue().shape().dims()));
        }
        Map<String, org.pretrain4j.graph.HostTensor> values = new LinkedHashMap<>();
        for (Tensor v : program.variables()) {
            org.pretrain4j.graph.HostTensor value = request.state().get(v.name());
            if (value == null) {
                // Only the feature-extraction pooler may be missing (a run without NSP never trains it):
                // it keeps its initial values, as an untrained Hugging Face pooler does.
                org.pretrain4j.graph.Op.Variable op = (org.pretrain4j.graph.Op.Variable) v.op();
                value = org.pretrain4j.graph.HostTensor.ofFloats(v.shape().fixedSizes(),
                        org.pretrain4j.graph.Initializer.initialValues(op.init(), v.shape(), v.name(), program.seed()));
            }
            values.put(v.name(), value);
        }
        OnnxLowering.Options options = new OnnxLowering.Options(values, true, outputDims, metadata, graphName);
        OnnxMl.ModelProto model = OnnxLowering.lower(program, options).model();
        try (OutputStream out = Files.newOutputStream(file)) {
            model.writeTo(out);
        }
        return file;
    }

    /** Output dims: dim 0 is batch_size; a derived sum of sequence lengths (past + new) is total_sequence_length. */
    static List<Dim> exportDims(List<Dim> dims) {
        List<Dim> out = new ArrayList<>();
        for (int i = 0; i < dims.size(); i++) {
            Dim d = dims.get(i);
            if (i == 0) {
                out.add(Dim.symbol(BATCH));
            } else if (!d.isFixed() && d.symbol().contains("+")) {
                out.add(Dim.symbol("total_sequence_length"));
            } else if (!d.isFixed() && !d.symbol().matches("[A-Za-z_][A-Za-z0-9_]*")) {
                out.add(Dim.symbol("dim_" + i));
            } else {
                out.add(d);
            }
        }
        return out;
    }

    private static void validate(ExportRequest request, boolean decoder) {
        checkProgram(request.model(), "model");
        if (!request.model().outputs().containsKey("logits")) {
            throw new GraphException("export: the model program has no 'logits' output; it has " + request.model().outputs().keySet());
        }
        long logitsVocab = request.model().outputs().get("logits").shape().dim(-1).fixedSize();
        if (logitsVocab != request.config().vocabularySize() || request.tokenizer().vocabularySize() > logitsVocab) {
            throw new GraphException("export: logits have " + logitsVocab + " classes, config says " + request.config().vocabularySize()
                    + " and the tokenizer has " + request.tokenizer().vocabularySize() + " ids");
        }
        if (request.encoder() != null) {
            checkProgram(request.encoder(), "encoder");
            for (Tensor v : request.encoder().variables()) {
                if (!request.state().containsKey(v.name()) && !v.name().startsWith("pooler/")) {
                    throw new GraphException("export: no trained value for encoder variable '" + v.name() + "'");
                }
            }
            if (!request.encoder().outputs().keySet().equals(java.util.Set.of("output_0", "output_1"))) {
                throw new GraphException("export: the encoder program must have exactly outputs output_0 and output_1, has "
                        + request.encoder().outputs().keySet());
            }
        }
        for (Tensor v : request.model().variables()) {
            if (!request.state().containsKey(v.name())) {
                throw new GraphException("export: no trained value for variable '" + v.name() + "'");
            }
        }
        if (decoder && request.tokenizer().specialTokens().eos() < 0) {
            throw new GraphException("export: a decoder's tokenizer needs an end-of-text token");
        }
    }

    private static void checkProgram(Program program, String what) {
        for (Tensor t : program.graph().nodes()) {
            if (t.op() instanceof org.pretrain4j.graph.Op.Input) {
                Dim first = t.rank() == 0 ? null : t.shape().dim(0);
                if (first == null || first.isFixed() || !first.symbol().equals(BATCH)) {
                    throw new GraphException("export: input '" + t.name() + "' of the " + what + " program must have dim 0 '"
                            + BATCH + "', has " + t.shape());
                }
            }
        }
    }

    private static ExportProvenance provenance(ExportRequest request, boolean decoder) {
        TransformerConfig c = request.config();
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("library", "pretrain4j");
        facts.put("library-version", libraryVersion());
        facts.put("onnxruntime-version", OnnxBackend.runtimeVersion());
        facts.put("java-version", System.getProperty("java.version"));
        facts.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        facts.put("exported-at", OffsetDateTime.now().toString());
        facts.put("objective", request.objective());
        facts.put("model-type", HuggingFaceWeightsExport.architecture(request.config()).modelType());
        facts.put("layers", Integer.toString(c.layers()));
        facts.put("hidden", Integer.toString(c.hidden()));
        facts.put("heads", Integer.toString(c.heads()));
        facts.put("ffn", Integer.toString(c.ffn()));
        facts.put("vocabulary-size", Integer.toString(c.vocabularySize()));
        facts.put("max-positions", Integer.toString(c.maxPositions()));
        facts.put("tokenizer", request.tokenizer().kind().name().toLowerCase(java.util.Locale.ROOT));
        facts.put("run-configuration-sha256", sha256(request.runConfiguration()));
        return ExportProvenance.of(facts);
    }

    private static Map<String, String> metadata(ExportRequest request, ExportProvenance provenance, boolean decoder) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(CONFIG_METADATA, request.runConfiguration());
        m.put(ONNXExportable.PROVENANCE_METADATA_FIELD, ONNXExportable.SERIALIZER.marshalAndSerialize(provenance));
        m.put("pretrain4j.objective", request.objective());
        m.put("model_type", HuggingFaceWeightsExport.architecture(request.config()).modelType());
        SpecialTokens s = request.tokenizer().specialTokens();
        putId(m, "pad_token_id", s.pad());
        putId(m, "unk_token_id", s.unk());
        putId(m, "cls_token_id", s.cls());
        putId(m, "sep_token_id", s.sep());
        putId(m, "mask_token_id", s.mask());
        putId(m, "bos_token_id", s.bos());
        putId(m, "eos_token_id", s.eos());
        if (hasNsp(request)) {
            m.put("next_sentence_labels", "0=is_next,1=random");
        }
        m.putAll(new java.util.TreeMap<>(request.objectiveMetadata()));
        return m;
    }

    private static void putId(Map<String, String> m, String key, int id) {
        if (id >= 0) {
            m.put(key, Integer.toString(id));
        }
    }

    private static ObjectNode pretrain4jJson(ExportRequest request, ExportProvenance provenance, Map<String, String> metadata, boolean decoder)
            throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", "pretrain4j-export-1");
        root.put("model_type", HuggingFaceWeightsExport.architecture(request.config()).modelType());
        root.put("objective", request.objective());
        root.set("run_configuration", JSON.readTree(request.runConfiguration()));
        ObjectNode prov = root.putObject("provenance");
        provenance.facts().forEach(prov::put);
        ObjectNode meta = root.putObject("metadata");
        metadata.forEach((k, v) -> {
            if (!k.equals(CONFIG_METADATA) && !k.equals(ONNXExportable.PROVENANCE_METADATA_FIELD)) {
                meta.put(k, v);
            }
        });
        return root;
    }

    private static Path writeJson(Path file, JsonNode node) throws IOException {
        Files.writeString(file, JSON.writeValueAsString(node) + "\n", StandardCharsets.UTF_8);
        return file;
    }

    static String libraryVersion() {
        String v = OnnxExporter.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

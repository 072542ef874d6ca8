package org.pretrain4j.weights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pretrain4j.graph.HostTensor;

/** The readers against files made by torch and safetensors (committed fixtures), our writer, and damaged or hostile files. */
final class WeightFilesTest {
    private static final Path FIXTURES = WeightFixtures.committed();

    @TempDir
    Path dir;

    @Test
    void readsEveryFixtureTorchAndSafetensorsWroteExactly() throws IOException {
        // F32/F16/BF16 safetensors, a sharded pair, and a torch.save state dict with a parameter, half and
        // bfloat16 storages, a view at an offset, a transposed view and an int64 buffer.
        assertThat(WeightFixtures.checkAll(FIXTURES)).isEqualTo(17);
    }

    @Test
    void readsTheMetadataOfSafetensorsAndOfTheIndex() {
        try (WeightReader r = SafetensorsReader.open(FIXTURES.resolve("f32.safetensors"))) {
            assertThat(r.metadata()).containsExactly(Map.entry("format", "pt"), Map.entry("fixture", "f32"));
        }
        try (WeightReader r = WeightFiles.open(FIXTURES.resolve("sharded"))) {
            assertThat(r).isInstanceOf(ShardedSafetensorsReader.class);
            assertThat(r.file().getFileName()).hasToString("model.safetensors.index.json");
            assertThat(r.metadata()).containsEntry("total_size", "144");
        }
    }

    @Test
    void roundTripsThroughOurWriterInOrderWithMetadata() {
        LinkedHashMap<String, HostTensor> tensors = new LinkedHashMap<>();
        tensors.put("z.last.first", HostTensor.ofFloats(new long[] {2, 3}, new float[] {1, -2, 3.5f, Float.MIN_VALUE, -0f, 1e30f}));
        tensors.put("a.scalar", HostTensor.scalar(7.25f));
        tensors.put("m.empty", HostTensor.ofFloats(new long[] {0, 5}, new float[0]));
        tensors.put("b.odd", HostTensor.ofFloats(new long[] {3}, new float[] {0.1f, 0.2f, 0.3f}));
        Path file = dir.resolve("sub/model.safetensors");
        SafetensorsWriter.write(file, tensors, Map.of("format", "pt"));
        try (WeightReader r = SafetensorsReader.open(file)) {
            assertThat(r.names()).containsExactly("z.last.first", "a.scalar", "m.empty", "b.odd");
            assertThat(r.metadata()).containsExactly(Map.entry("format", "pt"));
            for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
                assertThat(r.dtype(e.getKey())).isEqualTo("F32");
                assertThat(r.shape(e.getKey())).containsExactly(e.getValue().shape());
                assertThat(r.read(e.getKey()).floats()).containsExactly(e.getValue().floats());
            }
        }
        assertThat(file.getParent()).isDirectoryNotContaining(p -> p.getFileName().toString().endsWith(".tmp"));
    }

    @Test
    void aLargeTensorRoundTripsAcrossTheWritersChunks() {
        float[] values = new float[1_000_003];
        for (int i = 0; i < values.length; i++) {
            values[i] = i * 0.5f - 3;
        }
        LinkedHashMap<String, HostTensor> tensors = new LinkedHashMap<>();
        tensors.put("big", HostTensor.ofFloats(new long[] {values.length}, values));
        Path file = dir.resolve("big.safetensors");
        SafetensorsWriter.write(file, tensors, null);
        try (WeightReader r = SafetensorsReader.open(file)) {
            float[] read = r.read("big").floats();
            // Arrays.mismatch, not containsExactly: AssertJ's diff of a million elements is quadratic.
            assertThat(java.util.Arrays.mismatch(read, values)).as("first differing index").isEqualTo(-1);
            assertThat(r.metadata()).isEmpty();
        }
    }

    @Test
    void halfPrecisionWidensExactlyForEveryBitPattern() {
        // Every non-NaN binary16 value through our table against the value computed from its fields.
        for (int bits = 0; bits < 1 << 16; bits++) {
            int exponent = (bits >>> 10) & 0x1F;
            int mantissa = bits & 0x3FF;
            double magnitude = exponent == 0 ? mantissa * Math.pow(2, -24)
                    : exponent == 0x1F ? (mantissa == 0 ? Double.POSITIVE_INFINITY : Double.NaN)
                    : (1 + mantissa / 1024.0) * Math.pow(2, exponent - 15);
            if (Double.isNaN(magnitude)) {
                assertThat(StoredType.halfToFloat(bits)).isNaN();
                continue;
            }
            float expected = (float) ((bits & 0x8000) != 0 ? -magnitude : magnitude);
            assertThat(Float.floatToRawIntBits(StoredType.halfToFloat(bits))).as("half 0x%04x", bits)
                    .isEqualTo(Float.floatToRawIntBits(expected));
        }
    }

    @Test
    void aModelFolderPrefersSafetensorsThenTheIndexThenPytorchModelBin() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("model"));
        Files.copy(FIXTURES.resolve("state_dict.bin"), folder.resolve("pytorch_model.bin"));
        try (WeightReader r = WeightFiles.open(folder)) {
            assertThat(r).isInstanceOf(TorchCheckpointReader.class);
        }
        Files.copy(FIXTURES.resolve("sharded/model.safetensors.index.json"), folder.resolve("model.safetensors.index.json"));
        Files.copy(FIXTURES.resolve("sharded/model-00001-of-00002.safetensors"), folder.resolve("model-00001-of-00002.safetensors"));
        Files.copy(FIXTURES.resolve("sharded/model-00002-of-00002.safetensors"), folder.resolve("model-00002-of-00002.safetensors"));
        try (WeightReader r = WeightFiles.open(folder)) {
            assertThat(r).isInstanceOf(ShardedSafetensorsReader.class);
            assertThat(r.names()).containsExactly("encoder.layer.0.bias", "encoder.layer.0.weight", "encoder.layer.1.weight");
        }
        Files.copy(FIXTURES.resolve("f32.safetensors"), folder.resolve("model.safetensors"));
        try (WeightReader r = WeightFiles.open(folder)) {
            assertThat(r).isInstanceOf(SafetensorsReader.class);
        }
    }

    @Test
    void aFolderWithoutWeightsNamesTheFilesLookedFor() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("empty"));
        assertOneLineError(() -> WeightFiles.open(folder), folder,
                "holds no weights: looked for model.safetensors, model.safetensors.index.json, pytorch_model.bin");
    }

    @Test
    void anUnknownTensorNameIsNamedWithTheFile() {
        for (String key : new String[] {"f32.safetensors", "state_dict.bin", "sharded"}) {
            try (WeightReader r = WeightFixtures.open(FIXTURES, key)) {
                assertOneLineError(() -> r.shape("nope"), r.file(), "has no tensor 'nope'");
                assertOneLineError(() -> r.read("nope"), r.file(), "has no tensor 'nope'");
            }
        }
    }

    @Test
    void aTruncatedSafetensorsFileIsRefusedNamingTheTensorCutOff() {
        Path file = FIXTURES.resolve("truncated.safetensors");
        assertOneLineError(() -> SafetensorsReader.open(file), file, "truncated: tensor '");
    }

    @Test
    void aFileCutInsideItsHeaderIsRefused() throws IOException {
        byte[] whole = Files.readAllBytes(FIXTURES.resolve("f32.safetensors"));
        Path cut = dir.resolve("cut.safetensors");
        Files.write(cut, java.util.Arrays.copyOf(whole, 40));
        assertOneLineError(() -> SafetensorsReader.open(cut), cut, "truncated: the header needs");
        Files.write(cut, java.util.Arrays.copyOf(whole, 5));
        assertOneLineError(() -> SafetensorsReader.open(cut), cut, "truncated: 5 bytes");
    }

    @Test
    void overlappingOffsetsAreRefusedNamingBothTensors() {
        Path file = FIXTURES.resolve("overlapping.safetensors");
        assertOneLineError(() -> SafetensorsReader.open(file), file, "tensors 'a' (bytes 0 to 16) and 'b' (bytes 8 to 24) overlap");
    }

    @Test
    void headerProblemsAreRefusedOneByOne() throws IOException {
        assertHeaderRefused("{\"a\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8,
                "tensor 'a' has dtype F64, which is not supported");
        assertHeaderRefused("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 12,
                "tensor 'a' has data_offsets [0, 8] holding 8 bytes, but shape [3] of F32 needs 12");
        assertHeaderRefused("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},", 4, "header is not valid JSON");
        assertHeaderRefused("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4, "not a non-negative integer");
        assertHeaderRefused("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "Duplicate field 'a'");
        assertHeaderRefused("{\"__metadata__\":{\"n\":1}}", 0, "__metadata__['n'] is not a string");
        Path huge = dir.resolve("huge.safetensors");
        Files.write(huge, new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0, 0, 0, 0, '{', '}'});
        assertOneLineError(() -> SafetensorsReader.open(huge), huge, "header length 4294967295 is not plausible");
    }

    private void assertHeaderRefused(String header, int dataBytes, String problem) throws IOException {
        Path file = dir.resolve("bad.safetensors");
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + json.length + dataBytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json);
        Files.write(file, b.array());
        assertOneLineError(() -> SafetensorsReader.open(file), file, problem);
    }

    @Test
    void anIndexNamingAMissingShardOrAPathOutsideItsFolderIsRefused() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("sharded"));
        Path index = folder.resolve("model.safetensors.index.json");
        Files.writeString(index, "{\"weight_map\":{\"w\":\"model-00001-of-00002.safetensors\"}}");
        assertOneLineError(() -> WeightFiles.open(folder), index, "names shard model-00001-of-00002.safetensors (for 'w'), which is not in");
        Files.writeString(index, "{\"weight_map\":{\"w\":\"../f32.safetensors\"}}");
        assertOneLineError(() -> WeightFiles.open(folder), index, "not a file name in the index's folder");
        Files.copy(FIXTURES.resolve("f32.safetensors"), folder.resolve("f32.safetensors"));
        Files.writeString(index, "{\"weight_map\":{\"w\":\"f32.safetensors\"}}");
        assertOneLineError(() -> WeightFiles.open(folder), index, "weight_map puts 'w' in f32.safetensors, which has no such tensor");
    }

    @Test
    void aPickleAskingForOsSystemIsRefusedWithoutRunningIt() {
        Path file = FIXTURES.resolve("malicious.bin");
        assertOneLineError(() -> TorchCheckpointReader.open(file), file,
                "global 'posix.system' is refused: a state dict needs only collections.OrderedDict");
        assertThat(Path.of("pwned.txt")).doesNotExist();
    }

    @Test
    void otherFilesThatAreNotAFlatStateDictAreRefusedByName() {
        Path nested = FIXTURES.resolve("nested.bin");
        assertOneLineError(() -> TorchCheckpointReader.open(nested), nested, "holds a nested dict under 'state_dict'");
        Path legacy = FIXTURES.resolve("legacy.bin");
        assertOneLineError(() -> TorchCheckpointReader.open(legacy), legacy, "legacy torch.save format");
        Path doubles = FIXTURES.resolve("double.bin");
        assertOneLineError(() -> TorchCheckpointReader.open(doubles), doubles, "tensor storage type torch.DoubleStorage is not supported");
        Path notZip = FIXTURES.resolve("f32.safetensors");
        assertOneLineError(() -> TorchCheckpointReader.open(notZip), notZip, "not a zip archive");
    }

    @Test
    void handMadePicklesUsingCodeRunningOpcodesAreRefusedByName() throws IOException {
        assertPickleRefused(pickle("\u0080\u0002(cposix\nsystem\n", "iposix\nsystem\n."), "global 'posix.system' is refused");
        assertPickleRefused(pickle("\u0080\u0002(", "iposix\nsystem\n."), "opcode INST (0x69) is refused");
        assertPickleRefused(pickle("\u0080\u0002(", "o."), "opcode OBJ (0x6f) is refused");
        assertPickleRefused(pickle("\u0080\u0004\u008c\u0008builtins\u008c\u0004eval\u0093."), "global 'builtins.eval' is refused");
        assertPickleRefused(pickle("\u0080\u0002ctorch\nFloatStorage\n)R."), "opcode REDUCE on torch.FloatStorage is refused");
        assertPickleRefused(pickle("\u0080\u0002]}b."), "opcode BUILD on a list is refused");
        assertPickleRefused(pickle("\u0080\u0002ccollections\nOrderedDict\n)\u0081."), "opcode NEWOBJ (0x81) is refused");
        assertPickleRefused(pickle("\u0080\u0002}"), "the pickle ends without STOP (truncated)");
        assertPickleRefused(pickle("\u0080\u0002ctorch\nDoubleStorage\n."), "tensor storage type torch.DoubleStorage is not supported");
    }

    @Test
    void aHandMadeStateDictLoadsAndOneWhoseSizesOverflowIsRefused() throws IOException {
        byte[] storage = new byte[16];
        java.nio.ByteBuffer.wrap(storage).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(new float[] {1, 2, 3, 4});
        Path file = torchZip(stateDict("K\u0002K\u0002", "K\u0002K\u0001"), storage);
        try (WeightReader r = TorchCheckpointReader.open(file)) {
            assertThat(r.names()).containsExactly("w");
            assertThat(r.shape("w")).containsExactly(2, 2);
            assertThat(r.read("w").floats()).containsExactly(1, 2, 3, 4);
        }
        String twoTo40 = "\u008a\u0008\u0000\u0000\u0000\u0000\u0000\u0001\u0000\u0000";
        Path hostile = torchZip(stateDict(twoTo40 + twoTo40, "K\u0001K\u0001"), storage);
        assertOneLineError(() -> TorchCheckpointReader.open(hostile), hostile, "tensor 'w' has a size, stride or storage length whose product overflows");
        Path outside = torchZip(stateDict("K\u0002K\u0002", "K\u0003K\u0001"), storage);
        assertOneLineError(() -> TorchCheckpointReader.open(outside), outside, "reaches element 4 of a storage of 4");
    }

    /** {"w": _rebuild_tensor_v2(FloatStorage "0" of 4 elements, offset 0, size, stride, False, OrderedDict())} as torch.save pickles it. */
    private static byte[] stateDict(String size, String stride) {
        return pickle("\u0080\u0002}(X\u0001\u0000\u0000\u0000w", "ctorch._utils\n_rebuild_tensor_v2\n(",
                "(X\u0007\u0000\u0000\u0000storagectorch\nFloatStorage\nX\u0001\u0000\u0000\u00000X\u0003\u0000\u0000\u0000cpuK\u0004tQ",
                "K\u0000(", size, "t(", stride, "t\u0089ccollections\nOrderedDict\n)RtRu.");
    }

    private Path torchZip(byte[] pickle, byte[] storage) throws IOException {
        Path file = Files.createTempFile(dir, "state", ".bin");
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("archive/data.pkl"));
            zip.write(pickle);
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("archive/data/0"));
            zip.write(storage);
            zip.closeEntry();
        }
        return file;
    }

    private static byte[] pickle(String... parts) {
        return String.join("", parts).getBytes(StandardCharsets.ISO_8859_1);
    }

    private void assertPickleRefused(byte[] pickle, String problem) throws IOException {
        Path file = dir.resolve("hostile.bin");
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("archive/data.pkl"));
            zip.write(pickle);
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("archive/byteorder"));
            zip.write("little".getBytes(StandardCharsets.US_ASCII));
            zip.closeEntry();
        }
        assertOneLineError(() -> TorchCheckpointReader.open(file), file, problem);
    }

    @Test
    void aStorageShorterThanItsTensorIsRefusedAtOpen() throws IOException {
        // The state dict fixture with its first storage cut to 4 bytes.
        Path file = dir.resolve("short.bin");
        try (java.util.zip.ZipFile source = new java.util.zip.ZipFile(FIXTURES.resolve("state_dict.bin").toFile());
                OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (ZipEntry e : java.util.Collections.list(source.entries())) {
                byte[] bytes = source.getInputStream(e).readAllBytes();
                zip.putNextEntry(new ZipEntry(e.getName()));
                zip.write(e.getName().endsWith("/data/0") ? java.util.Arrays.copyOf(bytes, 4) : bytes);
                zip.closeEntry();
            }
        }
        assertOneLineError(() -> TorchCheckpointReader.open(file), file, "truncated: storage ");
    }

    static void assertOneLineError(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, Path file, String problem) {
        assertThatThrownBy(call).isInstanceOf(WeightFormatException.class)
                .hasMessageStartingWith(file.toString())
                .hasMessageContaining(problem)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

}

package org.pretrain4j.train.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pretrain4j.graph.HostTensor;

final class TensorFileTest {
    @TempDir
    Path dir;

    private static Map<String, HostTensor> sample() {
        Map<String, HostTensor> m = new LinkedHashMap<>();
        float[] big = new float[70_007];
        for (int i = 0; i < big.length; i++) {
            big[i] = (float) Math.sin(i) * 1e3f;
        }
        big[5] = Float.NaN;
        big[6] = -0.0f;
        m.put("encoder/layer_0/attention/query/kernel", HostTensor.ofFloats(new long[] {7, 10_000 + 1}, big));
        m.put("adam/m/übung", HostTensor.ofFloats(new long[] {2}, new float[] {1.5f, Float.MIN_VALUE}));
        m.put("scalar", HostTensor.scalar(3.25f));
        m.put("counter", HostTensor.ofLongs(new long[] {3}, new long[] {Long.MIN_VALUE, 0, Long.MAX_VALUE}));
        m.put("empty", HostTensor.ofFloats(new long[] {0, 4}, new float[0]));
        return m;
    }

    @Test
    void roundTripsEveryBitAndKeepsOrder() throws Exception {
        Path f = dir.resolve("t.bin");
        Map<String, HostTensor> in = sample();
        TensorFile.write(f, in);
        Map<String, HostTensor> out = TensorFile.read(f);
        assertThat(out.keySet()).containsExactlyElementsOf(in.keySet());
        for (String name : in.keySet()) {
            HostTensor a = in.get(name);
            HostTensor b = out.get(name);
            assertThat(b.dtype()).isEqualTo(a.dtype());
            assertThat(b.shape()).isEqualTo(a.shape());
            if (a.dtype() == org.pretrain4j.graph.DType.FLOAT32) {
                assertThat(Arrays.equals(toBits(a.floats()), toBits(b.floats()))).as(name).isTrue();
            } else {
                assertThat(b.longs()).isEqualTo(a.longs());
            }
        }
    }

    @Test
    void layoutIsTheDocumentedOne() throws Exception {
        Path f = dir.resolve("one.bin");
        TensorFile.write(f, Map.of("w", HostTensor.ofFloats(new long[] {2}, new float[] {1f, 2f})));
        byte[] b = Files.readAllBytes(f);
        // magic 8 + count 4 + name length 4 + "w" 1 + dtype 1 + rank 4 + dim 8 + data 8 + crc 4
        assertThat(b).hasSize(42);
        assertThat(new String(b, 0, 8, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("P4JTENS1");
        assertThat(b[8]).isEqualTo((byte) 1);
        assertThat(b[16]).isEqualTo((byte) 'w');
        assertThat(b[17]).isEqualTo((byte) 1);
        java.nio.ByteBuffer le = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertThat(le.getLong(22)).isEqualTo(2);
        assertThat(le.getFloat(30)).isEqualTo(1f);
        assertThat(le.getFloat(34)).isEqualTo(2f);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(b, 0, 38);
        assertThat(Integer.toUnsignedLong(le.getInt(38))).isEqualTo(crc.getValue());
    }

    @Test
    void aFlippedBitIsReportedAsACrcMismatchNamingTheFile() throws Exception {
        Path f = dir.resolve("t.bin");
        TensorFile.write(f, sample());
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.seek(raf.length() / 2);
            int v = raf.read();
            raf.seek(raf.length() / 2);
            raf.write(v ^ 0x10);
        }
        assertThatThrownBy(() -> TensorFile.read(f))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("CRC32 mismatch");
    }

    @Test
    void aTruncatedFileIsReportedAsTruncated() throws Exception {
        Path f = dir.resolve("t.bin");
        TensorFile.write(f, sample());
        for (long keep : new long[] {0, 5, 20, Files.size(f) / 2, Files.size(f) - 1}) {
            Path g = dir.resolve("cut-" + keep + ".bin");
            try (RandomAccessFile raf = new RandomAccessFile(g.toFile(), "rw")) {
                raf.write(Arrays.copyOf(Files.readAllBytes(f), (int) keep));
            }
            assertThatThrownBy(() -> TensorFile.read(g))
                    .as("cut at %d", keep)
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining(g.toString())
                    .hasMessageMatching("(?s).*(truncated|magic|CRC32).*");
        }
    }

    @Test
    void aMissingFileIsReportedAsMissing() {
        assertThatThrownBy(() -> TensorFile.read(dir.resolve("nope.bin")))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("nope.bin is missing");
    }

    private static int[] toBits(float[] f) {
        int[] bits = new int[f.length];
        for (int i = 0; i < f.length; i++) {
            bits[i] = Float.floatToRawIntBits(f[i]);
        }
        return bits;
    }
}

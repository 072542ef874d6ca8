package org.pretrain4j.train.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.testkit.CheckpointPause;
import org.pretrain4j.train.DataPosition;
import org.pretrain4j.train.TrainerConfig;

final class CheckpointStoreTest {
    @TempDir
    Path dir;

    private static CheckpointMetadata metadata(long step) throws Exception {
        return new CheckpointMetadata(CheckpointMetadata.FORMAT, step, new DataPosition(1, 17 + step), 99,
                TrainerConfig.builder().steps(100).build(), Map.of("masked_lm", 1.0, "next_sentence", 0.5),
                new ObjectMapper().readTree("{\"preset\":\"tiny\",\"objective\":\"mlm+nsp\"}"), "2026-01-01T00:00:00Z");
    }

    private static Map<String, HostTensor> tensors(float value) {
        Map<String, HostTensor> m = new LinkedHashMap<>();
        m.put("w", HostTensor.ofFloats(new long[] {2, 2}, new float[] {value, 2, 3, 4}));
        m.put("adam/v/w", HostTensor.ofFloats(new long[] {2, 2}, new float[] {0, 0, 0, value}));
        return m;
    }

    @Test
    void writesAndReadsBackEverything() throws Exception {
        CheckpointStore store = new CheckpointStore(dir.resolve("checkpoints"));
        Path written = store.write(metadata(10), tensors(1.5f), 3);
        assertThat(written.getFileName().toString()).isEqualTo("step-00000010");
        assertThat(Files.readString(dir.resolve("checkpoints/latest")).trim()).isEqualTo("step-00000010");
        Checkpoint c = store.load(written);
        assertThat(c.step()).isEqualTo(10);
        assertThat(c.metadata()).isEqualTo(metadata(10));
        assertThat(c.tensors().get("w").floats()).containsExactly(1.5f, 2, 3, 4);
        assertThat(c.tensors().get("adam/v/w").floats()).containsExactly(0, 0, 0, 1.5f);
        String json = Files.readString(written.resolve(CheckpointStore.METADATA));
        assertThat(json).contains("\"data-position\"").contains("\"example-index\" : 27").contains("\"objective\" : \"mlm+nsp\"");
    }

    @Test
    void keepsTheLastKAndLeavesNoTemporaryFiles() throws Exception {
        CheckpointStore store = new CheckpointStore(dir);
        for (long step = 1; step <= 5; step++) {
            store.write(metadata(step), tensors(step), 2);
        }
        assertThat(store.list()).extracting(p -> p.getFileName().toString()).containsExactly("step-00000004", "step-00000005");
        try (var entries = Files.list(dir)) {
            assertThat(entries.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly("latest", "step-00000004", "step-00000005");
        }
        assertThat(store.loadNewest(false, m -> {}).orElseThrow().tensors().get("w").floats()[0]).isEqualTo(5f);
    }

    @Test
    void leftoversOfAnInterruptedWriteAreIgnoredAndRemoved() throws Exception {
        CheckpointStore store = new CheckpointStore(dir);
        store.write(metadata(2), tensors(2), 3);
        Path partial = Files.createDirectories(dir.resolve(".tmp-step-00000004-123-456"));
        Files.write(partial.resolve(CheckpointStore.TENSORS), new byte[] {1, 2, 3});
        assertThat(store.loadNewest(false, m -> {}).orElseThrow().step()).isEqualTo(2);
        store.removeIncomplete();
        assertThat(partial).doesNotExist();
    }

    @Test
    void aDamagedNewestCheckpointFailsNamingTheFileAndWhy() throws Exception {
        CheckpointStore store = new CheckpointStore(dir);
        store.write(metadata(1), tensors(1), 3);
        Path newest = store.write(metadata(2), tensors(2), 3);
        Path tensorsFile = newest.resolve(CheckpointStore.TENSORS);
        try (RandomAccessFile raf = new RandomAccessFile(tensorsFile.toFile(), "rw")) {
            raf.seek(30);
            raf.write(0x7f);
        }
        assertThatThrownBy(() -> store.loadNewest(false, m -> {}))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(tensorsFile.toString())
                .hasMessageContaining("CRC32 mismatch")
                .hasMessageContaining("step-00000001");
        List<String> skipped = new ArrayList<>();
        Optional<Checkpoint> fallback = store.loadNewest(true, skipped::add);
        assertThat(fallback.orElseThrow().step()).isEqualTo(1);
        assertThat(skipped).singleElement().asString().contains(tensorsFile.toString());
    }

    @Test
    void truncatedMissingAndEditedFilesAreEachNamed() throws Exception {
        CheckpointStore store = new CheckpointStore(dir);
        Path c = store.write(metadata(3), tensors(3), 3);

        Path tensorsFile = c.resolve(CheckpointStore.TENSORS);
        byte[] original = Files.readAllBytes(tensorsFile);
        Files.write(tensorsFile, java.util.Arrays.copyOf(original, original.length - 10));
        assertThatThrownBy(() -> store.load(c)).hasMessageContaining(tensorsFile.toString()).hasMessageContaining("truncated");
        Files.write(tensorsFile, original);

        Path metadataFile = c.resolve(CheckpointStore.METADATA);
        String json = Files.readString(metadataFile);
        Files.writeString(metadataFile, json.replace("\"step\" : 3", "\"step\" : 4"));
        assertThatThrownBy(() -> store.load(c)).hasMessageContaining(metadataFile.toString()).hasMessageContaining("CRC32 mismatch");
        Files.writeString(metadataFile, json);

        Path checksums = c.resolve(CheckpointStore.CHECKSUMS);
        String sums = Files.readString(checksums);
        Files.writeString(checksums, sums.substring(0, sums.length() / 2), StandardCharsets.UTF_8);
        assertThatThrownBy(() -> store.load(c)).hasMessageContaining(checksums.toString());
        Files.delete(checksums);
        assertThatThrownBy(() -> store.load(c)).hasMessageContaining(checksums + " is missing");
        Files.writeString(checksums, sums);

        assertThat(store.load(c).step()).isEqualTo(3);
    }

    @Test
    void thePauseHookHoldsTheWriteBeforeTheRename() throws Exception {
        Path signal = dir.resolve("pause");
        CheckpointStore store = new CheckpointStore(dir.resolve("ck"), new CheckpointPause(signal));
        Thread writer = new Thread(() -> {
            try {
                store.write(metadata(8), tensors(8), 3);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        writer.start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!Files.exists(signal) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(signal).exists();
        Path temporary = Path.of(Files.readString(signal));
        assertThat(temporary.getFileName().toString()).startsWith(".tmp-step-00000008");
        assertThat(temporary.resolve(CheckpointStore.CHECKSUMS)).exists();
        assertThat(store.list()).isEmpty();
        Files.delete(signal);
        writer.join(10_000);
        assertThat(store.list()).hasSize(1);
    }
}

package org.pretrain4j.train.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.train.DataPosition;
import org.pretrain4j.train.TrainerConfig;

/** Failures say what they are: a write failure names its cause; a damaged checkpoint says whether an older one is intact. */
final class CheckpointFailureTest {
    @TempDir
    Path dir;

    private static CheckpointMetadata metadata(long step) throws Exception {
        return new CheckpointMetadata(CheckpointMetadata.FORMAT, step, new DataPosition(0, step), 7, TrainerConfig.builder().steps(10).build(),
                Map.of("masked_lm", 1.0), new ObjectMapper().readTree("{}"), "2026-01-01T00:00:00Z");
    }

    private static Map<String, HostTensor> tensors(float value) {
        return Map.of("w", HostTensor.ofFloats(new long[] {2}, new float[] {value, value}));
    }

    private CheckpointStore storeWithSteps(int steps) throws Exception {
        CheckpointStore store = new CheckpointStore(dir);
        for (int step = 1; step <= steps; step++) {
            store.write(metadata(step), tensors(step), 5);
        }
        return store;
    }

    private static void truncate(Path checkpoint) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(checkpoint.resolve(CheckpointStore.TENSORS).toFile(), "rw")) {
            f.setLength(f.length() / 2);
        }
    }

    @Test
    void aWriteFailureIsMarkedAsSuchAndNamesItsCause() throws Exception {
        CheckpointStore store = storeWithSteps(1);
        // Something the operating system refuses: the pointer file's temporary name is taken by a folder.
        Files.createDirectories(dir.resolve(CheckpointStore.LATEST + ".tmp").resolve("in-the-way"));

        CheckpointException e = catchThrowableOfType(() -> store.write(metadata(2), tensors(2), 5), CheckpointException.class);

        assertThat(e.writeFailure()).isTrue();
        assertThat(e.getMessage()).contains("Cannot write checkpoint").contains("Is a directory");
        assertThat(store.load(dir.resolve("step-00000001")).step()).isEqualTo(1);
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".tmp-"));
        }
    }

    @Test
    void aDamagedNewestCheckpointNamesTheNewestIntactOlderOne() throws Exception {
        CheckpointStore store = storeWithSteps(3);
        truncate(dir.resolve("step-00000003"));
        truncate(dir.resolve("step-00000002"));

        CheckpointException e = catchThrowableOfType(() -> store.loadNewest(false, m -> {}), CheckpointException.class);

        assertThat(e.writeFailure()).isFalse();
        assertThat(e.intactOlder()).contains(dir.resolve("step-00000001").toAbsolutePath());
        assertThat(e.getMessage()).contains("step-00000003").contains("The older checkpoint step-00000001 is intact.");
    }

    @Test
    void whenEveryCheckpointIsDamagedNoneIsPromised() throws Exception {
        CheckpointStore store = storeWithSteps(2);
        truncate(dir.resolve("step-00000002"));
        truncate(dir.resolve("step-00000001"));

        CheckpointException e = catchThrowableOfType(() -> store.loadNewest(false, m -> {}), CheckpointException.class);

        assertThat(e.intactOlder()).isEmpty();
        assertThat(e.getMessage()).contains("No older checkpoint is intact either.").doesNotContain("exists");
    }
}

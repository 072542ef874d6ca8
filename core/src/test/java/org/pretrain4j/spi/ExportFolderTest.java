package org.pretrain4j.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host's export folder: all at once, own files only over an earlier export, undeclared files refused. */
final class ExportFolderTest {
    private static final List<String> OWN = List.of("config.json", "graphs/encoder.bin", "graphs/model.bin");

    private static ExportFolder.Content writing(String... files) {
        return dir -> {
            List<Path> written = new java.util.ArrayList<>();
            for (String f : files) {
                Path p = dir.resolve(f);
                Files.createDirectories(p.getParent());
                written.add(Files.writeString(p, f + " of this export"));
            }
            return written;
        };
    }

    @Test
    void aReExportReplacesAndRemovesOwnFilesAndKeepsTheUsers(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("export");
        ExportFolder.write(dir, OWN, writing("config.json", "graphs/encoder.bin", "graphs/model.bin"));
        Files.writeString(dir.resolve("README.md"), "# card");

        List<Path> second = ExportFolder.write(dir, OWN, writing("config.json", "graphs/model.bin"));

        assertThat(second).containsExactly(dir.resolve("config.json"), dir.resolve("graphs/model.bin"));
        assertThat(dir.resolve("graphs/encoder.bin")).as("an own file this export did not write").doesNotExist();
        assertThat(dir.resolve("README.md")).hasContent("# card");
        try (Stream<Path> siblings = Files.list(tmp)) {
            assertThat(siblings.map(p -> p.getFileName().toString())).containsExactly("export");
        }
    }

    @Test
    void aFileNoFormatDeclaresFailsAndLeavesTheTargetAsItWas(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("export");
        ExportFolder.write(dir, OWN, writing("config.json"));

        assertThatThrownBy(() -> ExportFolder.write(dir, OWN, writing("config.json", "stray.txt")))
                .isInstanceOf(IOException.class).hasMessageContaining("stray.txt, which no export format declares");

        assertThat(dir.resolve("config.json")).hasContent("config.json of this export");
        assertThat(dir.resolve("stray.txt")).doesNotExist();
        try (Stream<Path> siblings = Files.list(tmp)) {
            assertThat(siblings.map(p -> p.getFileName().toString())).containsExactly("export");
        }
    }
}

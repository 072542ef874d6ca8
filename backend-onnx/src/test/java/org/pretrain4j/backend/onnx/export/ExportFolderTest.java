package org.pretrain4j.backend.onnx.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An export over an earlier one replaces only its own files; partial folders of dead exporters go; folders are not private. */
final class ExportFolderTest {
    @Test
    void reExportKeepsTheFilesAUserAddedAndReplacesItsOwn(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("export");
        OnnxExporter.export(OnnxExporterTest.toyRequest(ToyEncoder.create(HandWrittenWordPiece.VOCAB.size(), 8, 1)), dir);
        byte[] first = Files.readAllBytes(dir.resolve("onnx/model.onnx"));
        Files.writeString(dir.resolve("README.md"), "# my model card\n");
        Files.write(dir.resolve("onnx/model_quantized.onnx"), new byte[] {1, 2, 3});
        Files.writeString(dir.resolve("config.json"), "{\"edited\": true}");

        OnnxExporter.export(OnnxExporterTest.toyRequest(ToyEncoder.create(HandWrittenWordPiece.VOCAB.size(), 8, 2)), dir);

        assertThat(dir.resolve("README.md")).hasContent("# my model card");
        assertThat(dir.resolve("onnx/model_quantized.onnx")).hasBinaryContent(new byte[] {1, 2, 3});
        assertThat(Files.readAllBytes(dir.resolve("onnx/model.onnx"))).as("the new weights").isNotEqualTo(first);
        assertThat(Files.readString(dir.resolve("config.json"))).contains("\"model_type\"").doesNotContain("edited");
        try (Stream<Path> siblings = Files.list(tmp)) {
            assertThat(siblings.map(p -> p.getFileName().toString()).toList()).containsExactly("export");
        }
    }

    @Test
    void aPartialFolderOfAKilledExporterIsRemovedByTheNextExport(@TempDir Path tmp) throws Exception {
        // No process has pid 2^22+1 on Linux (pid_max is at most 2^22).
        Path abandoned = Files.createDirectories(tmp.resolve(".export.partial-4194305-123/onnx"));
        Files.write(abandoned.resolve("model.onnx"), new byte[100]);
        Path live = Files.createDirectories(tmp.resolve(".export.partial-" + ProcessHandle.current().pid() + "-456"));
        Path otherName = Files.createDirectories(tmp.resolve(".other.partial-4194305-1"));

        OnnxExporter.export(OnnxExporterTest.toyRequest(ToyEncoder.create(HandWrittenWordPiece.VOCAB.size(), 8, 1)), tmp.resolve("export"));

        assertThat(tmp.resolve(".export.partial-4194305-123")).doesNotExist();
        assertThat(live).as("a live exporter's folder").isDirectory();
        assertThat(otherName).as("another export's folder").isDirectory();
    }

    @Test
    void theExportFolderIsReadableByOthersAsUsualFoldersAre(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("export");
        OnnxExporter.export(OnnxExporterTest.toyRequest(ToyEncoder.create(HandWrittenWordPiece.VOCAB.size(), 8, 1)), dir);
        Path plain = Files.createDirectory(tmp.resolve("plain"));
        Set<PosixFilePermission> expected = Files.getPosixFilePermissions(plain);

        assertThat(Files.getPosixFilePermissions(dir)).isEqualTo(expected);
        assertThat(Files.getPosixFilePermissions(dir.resolve("onnx"))).isEqualTo(expected);
    }
}

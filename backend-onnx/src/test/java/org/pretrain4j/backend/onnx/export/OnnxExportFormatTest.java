package org.pretrain4j.backend.onnx.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pretrain4j.spi.ExportFolder;
import org.pretrain4j.spi.ExportFormat;
import org.pretrain4j.spi.ExportFormatFactory;
import org.pretrain4j.spi.ExportRequest;
import org.pretrain4j.spi.PluginException;

/** The {@code onnx} export format: found by ServiceLoader, its declared files are the ones it writes, it shares a folder. */
final class OnnxExportFormatTest {
    private static ExportFormat onnx() {
        List<ExportFormatFactory> found = new ArrayList<>();
        ServiceLoader.load(ExportFormatFactory.class).forEach(found::add);
        assertThat(found).extracting(ExportFormatFactory::name).contains("onnx");
        return found.stream().filter(f -> f.name().equals("onnx")).findFirst().orElseThrow().create(Map.of());
    }

    @Test
    void writesExactlyTheFilesItDeclares(@TempDir Path tmp) throws Exception {
        ToyEncoder toy = ToyEncoder.create(HandWrittenWordPiece.VOCAB.size(), 16, 7);
        ExportRequest request = OnnxExporterTest.toyRequest(toy);
        ExportFormat format = onnx();
        Path dir = tmp.resolve("export");

        List<Path> written = ExportFolder.write(dir, format.files(request), temp -> format.export(request, temp));

        assertThat(format.fits(toy.config())).isTrue();
        assertThat(written).allSatisfy(p -> assertThat(p).startsWith(dir.toAbsolutePath()).isRegularFile());
        try (Stream<Path> files = Files.walk(dir)) {
            assertThat(files.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString().replace('\\', '/')))
                    .containsExactlyInAnyOrderElementsOf(format.files(request));
        }
    }

    @Test
    void leavesSharedFilesAnotherFormatWroteAndWritesItsOwn(@TempDir Path tmp) throws Exception {
        ToyEncoder toy = ToyEncoder.create(HandWrittenWordPiece.VOCAB.size(), 16, 7);
        ExportRequest request = OnnxExporterTest.toyRequest(toy);
        Path dir = Files.createDirectories(tmp.resolve("shared"));
        Files.writeString(dir.resolve("config.json"), "{\"written_by\": \"an earlier format\"}\n");

        List<Path> written = onnx().export(request, dir);

        assertThat(Files.readString(dir.resolve("config.json"))).contains("an earlier format");
        assertThat(written).doesNotContain(dir.resolve("config.json")).contains(dir.resolve("onnx").resolve("model.onnx"));
        assertThat(dir.resolve("tokenizer_config.json")).isRegularFile();
    }

    @Test
    void rejectsPropertiesItDoesNotDeclare() {
        assertThatThrownBy(() -> new OnnxExportFormatFactory().create(Map.of("opset", "18")))
                .isInstanceOf(PluginException.class).hasMessageContaining("Unknown property 'opset'");
    }
}

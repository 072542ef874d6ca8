package org.pretrain4j.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pretrain4j.app.testing.CommandRun;
import org.pretrain4j.app.testing.PluginJars;
import org.pretrain4j.app.testing.TestCorpus;

/**
 * Export formats are plugins: {@code onnx} from backend-onnx and a third-party one compiled here
 * into a jar are discovered with ServiceLoader, listed by {@code plugins}, picked with
 * {@code export --format}, and write into one export folder (by default every format that fits).
 */
final class ExportFormatsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path temp;
    static Path plugins;
    static Path run;

    @BeforeAll
    static void trainAnEncoderWithoutExportAndBuildTheFormatPlugin() throws Exception {
        plugins = Files.createDirectories(temp.resolve("plugins"));
        PluginJars.build(plugins.resolve("weight-list.jar"),
                Map.of("com.example.weightlist.WeightListFormatFactory", PluginJars.source("WeightListFormatFactory")),
                Map.of("org.pretrain4j.spi.ExportFormatFactory", "com.example.weightlist.WeightListFormatFactory\n"
                        + "com.example.weightlist.WeightListFormatFactory$DecodersOnly"));
        Path corpus = TestCorpus.write(temp.resolve("corpus.txt"), 30, 2);
        run = temp.resolve("run");
        CommandRun r = CommandRun.of("train", "--corpus", corpus.toString(), "--preset", "tiny", "--vocab-size", "200",
                "--steps", "2", "--batch-size", "4", "--seq", "32", "--eval-batches", "1", "--threads", "1",
                "--validation-fraction", "0.1", "--no-export", "--run-dir", run.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
    }

    @Test
    void pluginsListsTheExportFormatsBesideTheOtherPlugins() throws Exception {
        CommandRun json = CommandRun.of("plugins", "--plugins", plugins.toString(), "--json");
        CommandRun text = CommandRun.of("plugins", "--plugins", plugins.toString());

        assertThat(json.exitCode()).as(json.err()).isZero();
        JsonNode formats = JSON.readTree(json.out()).path("export_formats");
        assertThat(formats.findValuesAsText("name")).containsExactly("decoders-only", "onnx", "safetensors", "weight-list");
        JsonNode onnx = formats.get(1);
        assertThat(onnx.path("class").asText()).isEqualTo("org.pretrain4j.backend.onnx.export.OnnxExportFormatFactory");
        assertThat(onnx.path("description").asText()).contains("ONNX");
        assertThat(formats.get(2).path("class").asText()).isEqualTo("org.pretrain4j.backend.onnx.export.SafetensorsExportFormatFactory");
        assertThat(formats.get(3).path("properties").findValuesAsText("key")).containsExactly("separator");
        assertThat(text.out()).contains("Export formats (export --format").contains("weight-list").contains("onnx");
    }

    @Test
    void formatPicksTheFormatsAndTheyShareOneFolder() throws Exception {
        Path out = temp.resolve("both");
        CommandRun r = CommandRun.of("export", "--plugins", plugins.toString(), "--run-dir", run.toString(), "--output",
                out.toString(), "--format", "weight-list,onnx");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(out.resolve("onnx").resolve("model.onnx")).exists();
        assertThat(out.resolve("config.json")).exists();
        assertThat(Files.readAllLines(out.resolve("weight-list.txt"))).isNotEmpty()
                .anySatisfy(line -> assertThat(line).startsWith("embeddings"));
        CommandRun fill = CommandRun.of("fill-mask", "--model", out.toString(), "The [MASK] adopts the budget.");
        assertThat(fill.exitCode()).as(fill.err()).isZero();
    }

    @Test
    void safetensorsAloneWritesTheHuggingFaceFolderWithoutOnnx() throws Exception {
        Path out = temp.resolve("hf-only");
        CommandRun r = CommandRun.of("export", "--run-dir", run.toString(), "--output", out.toString(), "--format", "safetensors");

        assertThat(r.exitCode()).as(r.err()).isZero();
        try (var files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("model.safetensors", "config.json", "tokenizer.json", "tokenizer_config.json");
        }
    }

    @Test
    void onlyTheNamedFormatIsWritten() throws Exception {
        Path out = temp.resolve("only-list");
        CommandRun r = CommandRun.of("export", "--plugins", plugins.toString(), "--run-dir", run.toString(), "--output",
                out.toString(), "--format", "weight-list");

        assertThat(r.exitCode()).as(r.err()).isZero();
        try (var files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("weight-list.txt");
        }
    }

    @Test
    void byDefaultEveryFormatThatFitsTheModelIsWritten() {
        Path out = temp.resolve("default");
        CommandRun r = CommandRun.of("export", "--plugins", plugins.toString(), "--run-dir", run.toString(), "--output",
                out.toString());

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(out.resolve("onnx").resolve("model.onnx")).exists();
        assertThat(out.resolve("model.safetensors")).exists();
        assertThat(out.resolve("weight-list.txt")).exists();
        assertThat(out.resolve("decoders-only.txt")).doesNotExist();
    }

    @Test
    void anUnknownFormatOrOneThatDoesNotFitIsAUsageErrorAndWritesNothing() {
        Path out = temp.resolve("never");
        CommandRun unknown = CommandRun.of("export", "--plugins", plugins.toString(), "--run-dir", run.toString(), "--output",
                out.toString(), "--format", "onnx,nope");
        CommandRun unfit = CommandRun.of("export", "--plugins", plugins.toString(), "--run-dir", run.toString(), "--output",
                out.toString(), "--format", "decoders-only");

        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("Unknown export format 'nope'").contains("onnx").contains("weight-list");
        assertThat(unfit.exitCode()).isEqualTo(2);
        assertThat(unfit.err()).contains("--format: export format 'decoders-only' cannot write this model");
        assertThat(out).doesNotExist();
    }
}

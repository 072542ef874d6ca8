package org.pretrain4j.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pretrain4j.app.testing.CommandRun;
import org.pretrain4j.app.testing.PluginJars;
import org.pretrain4j.app.testing.TestCorpus;
import org.pretrain4j.train.JsonLinesMetricsWriter;

/**
 * The plugin of the README's "Writing a plugin" section, compiled from the README's own code blocks
 * (sources and services file as printed) into a jar, then trained with the README's command line
 * plus the options that make it small: what a reader copies works.
 */
final class ReadmePluginExampleTest {
    private static final Pattern BLOCK = Pattern.compile("```(\\w*)\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern CLASS = Pattern.compile("^public (?:final class|record|class) (\\w+)", Pattern.MULTILINE);
    private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
    private static final Pattern COMMAND = Pattern.compile("`pretrain4j --plugins DIR (train [^`]*)`");

    static String section() throws Exception {
        Path readme = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent().resolve("README.md");
        String text = Files.readString(readme);
        int start = text.indexOf("## Writing a plugin\n");
        assertThat(start).as("the README's plugin section").isNotNegative();
        int end = text.indexOf("\n## ", start + 1);
        return text.substring(start, end < 0 ? text.length() : end);
    }

    @Test
    void theReadmePluginCompilesAndTrainsAsPrinted(@TempDir Path temp) throws Exception {
        String section = section();
        Map<String, String> sources = new LinkedHashMap<>();
        Map<String, String> services = new LinkedHashMap<>();
        Matcher block = BLOCK.matcher(section);
        while (block.find()) {
            String code = block.group(2);
            if (block.group(1).equals("java")) {
                Matcher pkg = PACKAGE.matcher(code);
                Matcher cls = CLASS.matcher(code);
                assertThat(pkg.find() && cls.find()).as("a java block with a package and a public type:%n%s", code).isTrue();
                sources.put(pkg.group(1) + "." + cls.group(1), code);
            } else if (code.startsWith("# src/main/resources/META-INF/services/")) {
                List<String> lines = code.lines().toList();
                services.put(lines.get(0).substring(lines.get(0).lastIndexOf('/') + 1), String.join("\n", lines.subList(1, lines.size())));
            }
        }
        assertThat(sources).hasSize(2);
        assertThat(services).containsOnlyKeys("org.pretrain4j.spi.ObjectiveFactory");
        Path plugins = Files.createDirectories(temp.resolve("plugins"));
        PluginJars.build(plugins.resolve("readme-plugin.jar"), sources, services);

        Matcher command = COMMAND.matcher(section);
        assertThat(command.find()).as("the README's command line").isTrue();
        List<String> args = new java.util.ArrayList<>(List.of("--plugins", plugins.toString()));
        args.addAll(List.of(command.group(1).split(" ")));
        Path corpus = TestCorpus.write(temp.resolve("corpus.txt"), 40, 4);
        Path run = temp.resolve("run");
        args.addAll(List.of("--corpus", corpus.toString(), "--preset", "tiny", "--vocab-size", "200", "--steps", "6",
                "--batch-size", "4", "--seq", "32", "--eval-every", "6", "--eval-batches", "2", "--threads", "1",
                "--validation-fraction", "0.1", "--run-dir", run.toString()));
        CommandRun training = CommandRun.of(args.toArray(String[]::new));

        assertThat(training.exitCode()).as(training.err()).isZero();
        List<JsonNode> evals = JsonLinesMetricsWriter.read(run.resolve("metrics.jsonl")).stream()
                .filter(r -> r.path("type").asText().equals("eval")).toList();
        JsonNode metrics = evals.get(evals.size() - 1).path("metrics");
        assertThat(metrics.path("word_start_loss").asDouble()).isPositive();
        assertThat(metrics.path("word_start_accuracy").asDouble()).isBetween(0.0, 1.0);
        assertThat(metrics.has("masked_lm_loss")).isTrue();
        JsonNode saved = new com.fasterxml.jackson.databind.ObjectMapper().readTree(run.resolve("run-config.json").toFile());
        assertThat(saved.path("properties").path("word-start.weight").asText()).isEqualTo("0.5");
        assertThat(run.resolve("export").resolve("onnx").resolve("model.onnx")).exists();
    }

    @Test
    void aPropertyTheExampleDoesNotDeclareFailsBeforeItIsCreated(@TempDir Path temp) throws Exception {
        Path plugins = Files.createDirectories(temp.resolve("plugins"));
        Map<String, String> sources = new LinkedHashMap<>();
        Matcher block = BLOCK.matcher(section());
        while (block.find()) {
            if (block.group(1).equals("java")) {
                Matcher pkg = PACKAGE.matcher(block.group(2));
                Matcher cls = CLASS.matcher(block.group(2));
                assertThat(pkg.find() && cls.find()).isTrue();
                sources.put(pkg.group(1) + "." + cls.group(1), block.group(2));
            }
        }
        PluginJars.build(plugins.resolve("readme-plugin.jar"), sources,
                Map.of("org.pretrain4j.spi.ObjectiveFactory", "com.example.WordStartFactory"));

        CommandRun unknown = CommandRun.of("train", "--plugins", plugins.toString(), "--objective", "word-start",
                "-p", "word-start.specials=predict", "--run-dir", temp.resolve("run").toString());
        CommandRun badValue = CommandRun.of("train", "--plugins", plugins.toString(), "--objective", "word-start",
                "-p", "word-start.special=sometimes", "--run-dir", temp.resolve("run2").toString());

        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("Unknown property 'word-start.specials' for objective 'word-start'. Known: [special].");
        assertThat(badValue.exitCode()).isEqualTo(2);
        assertThat(badValue.err()).contains("objective 'word-start': property 'special' = 'sometimes' must be one of [ignore, predict]");
    }
}

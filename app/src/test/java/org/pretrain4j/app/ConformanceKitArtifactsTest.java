package org.pretrain4j.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pretrain4j.app.testing.PluginJars;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.testkit.ObjectiveContract;

/**
 * A plugin author's build as the README documents it: the README's plugin and a test implementing
 * {@link ObjectiveContract}, compiled against only {@code org.pretrain4j:core} and its test-jar
 * (with JUnit and AssertJ, which the kits use), then run in a JVM whose class path has nothing
 * else of pretrain4j: no app, no backend, no objectives. The kit passes.
 */
final class ConformanceKitArtifactsTest {
    /** Third-party libraries the kits and core need; everything else on the test class path is left out. */
    private static final Pattern ALLOWED_LIBRARY = Pattern.compile(
            ".*/(jackson-[a-z-]+|junit-[a-z-]+|opentest4j|apiguardian-api|assertj-core|byte-buddy)-[^/]*\\.jar");

    /** core's classes, core's test classes (the kits), and the allowed libraries: the artifacts a plugin's pom names. */
    static String pluginAuthorsClassPath() throws Exception {
        String core = location(Objective.class);
        String kits = location(ObjectiveContract.class);
        assertThat(core).isNotEqualTo(kits);
        List<String> entries = new ArrayList<>(List.of(core, kits));
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String normal = Path.of(entry).toAbsolutePath().toString().replace('\\', '/');
            if (ALLOWED_LIBRARY.matcher(normal).matches()) {
                entries.add(normal);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private static String location(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    @Test
    void theReadmePluginPassesItsKitWithOnlyCoreAndTheKitsOnTheClassPath(@TempDir Path temp) throws Exception {
        String classPath = pluginAuthorsClassPath();
        assertThat(classPath).doesNotContain("/app/").doesNotContain("backend-onnx").doesNotContain("objectives-")
                .doesNotContain("onnxruntime").doesNotContain("guice");
        Map<String, String> sources = new LinkedHashMap<>();
        Matcher block = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(ReadmePluginExampleTest.section());
        while (block.find()) {
            Matcher cls = Pattern.compile("^public (?:final class|record) (\\w+)", Pattern.MULTILINE).matcher(block.group(1));
            assertThat(cls.find()).isTrue();
            sources.put("com.example." + cls.group(1), block.group(1));
        }
        sources.put("com.example.WordStartFactoryTest", PluginJars.source("WordStartFactoryTest"));
        sources.put("com.example.kit.KitRunner", PluginJars.source("KitRunner"));
        Path jar = PluginJars.build(Files.createDirectories(temp.resolve("build")).resolve("word-start-with-tests.jar"), sources,
                Map.of("org.pretrain4j.spi.ObjectiveFactory", "com.example.WordStartFactory"), classPath);

        Path log = temp.resolve("kit.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", classPath + File.pathSeparator + jar, "com.example.kit.KitRunner",
                "com.example.WordStartFactoryTest").redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(child.waitFor(5, TimeUnit.MINUTES)).isTrue();
        String output = Files.readString(log);
        assertThat(child.exitValue()).as(output).isZero();
        assertThat(output).containsPattern("kit: \\d+ passed, 0 failed");
    }
}

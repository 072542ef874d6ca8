package org.pretrain4j.app.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pretrain4j.app.testing.CommandRun;
import org.pretrain4j.app.testing.PluginJars;

final class DuplicatePluginTest {
    private static String objective(String pkg, String name) {
        return """
                package %s;
                import java.util.List;
                import java.util.Map;
                import org.pretrain4j.spi.*;
                public final class DupObjectiveFactory implements ObjectiveFactory {
                    public String name() { return "%s"; }
                    public String description() { return "a copy"; }
                    public List<PropertySpec> properties() { return List.of(); }
                    public Objective create(Map<String, String> properties, PluginLookup plugins) {
                        throw new PluginException("not for training");
                    }
                }
                """.formatted(pkg, name);
    }

    @Test
    void twoObjectivesWithOneNameFailAtStartUpNamingBothClasses(@TempDir Path temp) throws Exception {
        Path plugins = Files.createDirectory(temp.resolve("plugins"));
        String service = "org.pretrain4j.spi.ObjectiveFactory";
        PluginJars.build(plugins.resolve("a.jar"), Map.of("com.a.DupObjectiveFactory", objective("com.a", "dup")),
                Map.of(service, "com.a.DupObjectiveFactory"));
        PluginJars.build(plugins.resolve("b.jar"), Map.of("com.b.DupObjectiveFactory", objective("com.b", "dup")),
                Map.of(service, "com.b.DupObjectiveFactory"));

        CommandRun run = CommandRun.of("plugins", "--plugins", plugins.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Two objective plugins are named 'dup'")
                .contains("com.a.DupObjectiveFactory").contains("com.b.DupObjectiveFactory")
                .doesNotContain("\tat ");
        assertThat(run.err().strip().lines()).hasSize(1);
    }

    @Test
    void aPluginFromAFolderIsListed(@TempDir Path temp) throws Exception {
        Path plugins = Files.createDirectory(temp.resolve("plugins"));
        PluginJars.build(plugins.resolve("a.jar"), Map.of("com.a.DupObjectiveFactory", objective("com.a", "mine")),
                Map.of("org.pretrain4j.spi.ObjectiveFactory", "com.a.DupObjectiveFactory"));

        CommandRun run = CommandRun.of("--plugins", plugins.toString(), "plugins", "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("\"name\" : \"mine\"").contains("com.a.DupObjectiveFactory");
    }

    @Test
    void aPluginNameOutsideThePatternFails(@TempDir Path temp) throws Exception {
        Path plugins = Files.createDirectory(temp.resolve("plugins"));
        PluginJars.build(plugins.resolve("a.jar"), Map.of("com.a.DupObjectiveFactory", objective("com.a", "Bad_Name")),
                Map.of("org.pretrain4j.spi.ObjectiveFactory", "com.a.DupObjectiveFactory"));

        CommandRun run = CommandRun.of("plugins", "--plugins", plugins.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("com.a.DupObjectiveFactory").contains("'Bad_Name'");
    }

    @Test
    void aMissingPluginsFolderIsAUsageError(@TempDir Path temp) {
        CommandRun run = CommandRun.of("plugins", "--plugins", temp.resolve("nope").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--plugins").contains("nope").contains("is not a folder");
    }
}

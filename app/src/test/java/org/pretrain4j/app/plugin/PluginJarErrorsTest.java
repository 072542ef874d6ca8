package org.pretrain4j.app.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pretrain4j.app.testing.CommandRun;
import org.pretrain4j.app.testing.PluginJars;

/** Broken plugin jars fail at start-up with one line naming the jar, the class and the cause, never silently. */
final class PluginJarErrorsTest {
    private static final String SERVICE = "org.pretrain4j.spi.ObjectiveFactory";

    private static String factory(String constructorBody, String createBody) {
        return """
                package com.bad;
                import java.util.List;
                import java.util.Map;
                import org.pretrain4j.spi.*;
                public final class BadObjectiveFactory implements ObjectiveFactory {
                    public BadObjectiveFactory() { %s }
                    public String name() { return "bad"; }
                    public String description() { return "broken on purpose"; }
                    public List<PropertySpec> properties() { return List.of(); }
                    public Objective create(Map<String, String> properties, PluginLookup plugins) { %s }
                }
                """.formatted(constructorBody, createBody);
    }

    private static void assertOneLine(CommandRun run, String... fragments) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err().strip().lines()).as(run.err()).hasSize(1);
        assertThat(run.err()).doesNotContain("\tat ");
        for (String f : fragments) {
            assertThat(run.err()).contains(f);
        }
    }

    @Test
    void anEmptyJarFileIsNamed(@TempDir Path temp) throws Exception {
        Path plugins = Files.createDirectory(temp.resolve("plugins"));
        Path jar = Files.createFile(plugins.resolve("x.jar"));

        assertOneLine(CommandRun.of("--plugins", plugins.toString(), "plugins"), "--plugins", jar.toString(), "is empty");
    }

    @Test
    void aCorruptJarIsNamedWithTheCause(@TempDir Path temp) throws Exception {
        Path plugins = Files.createDirectory(temp.resolve("plugins"));
        Path jar = Files.writeString(plugins.resolve("x.jar"), "this is not a zip file at all, just text");

        assertOneLine(CommandRun.of("--plugins", plugins.toString(), "plugins"), "--plugins", jar.toString(), "is not a valid jar (");
    }

    @Test
    void aJarWithoutEntriesIsNamed(@TempDir Path temp) throws Exception {
        Path plugins = Files.createDirectory(temp.resolve("plugins"));
        Path jar = plugins.resolve("x.jar");
        new JarOutputStream(Files.newOutputStream(jar)).close();

        assertOneLine(CommandRun.of("--plugins", plugins.toString(), "plugins"), jar.toString(), "no entries");
    }

    @Test
    void aThrowingConstructorNamesTheClassTheJarAndTheCause(@TempDir Path temp) throws Exception {
        Path plugins = Files.createDirectory(temp.resolve("plugins"));
        Path jar = PluginJars.build(plugins.resolve("bad.jar"),
                Map.of("com.bad.BadObjectiveFactory", factory("throw new IllegalStateException(\"no licence key\");", "return null;")),
                Map.of(SERVICE, "com.bad.BadObjectiveFactory"));

        assertOneLine(CommandRun.of("--plugins", plugins.toString(), "plugins"), "com.bad.BadObjectiveFactory",
                jar.getFileName().toString(), "could not be created", "IllegalStateException: no licence key");
    }

    @Test
    void aFactoryReturningNullIsNamed(@TempDir Path temp) throws Exception {
        Path plugins = Files.createDirectory(temp.resolve("plugins"));
        Path jar = PluginJars.build(plugins.resolve("null.jar"), Map.of("com.bad.BadObjectiveFactory", factory("", "return null;")),
                Map.of(SERVICE, "com.bad.BadObjectiveFactory"));
        Path corpus = Files.writeString(temp.resolve("c.txt"), "One sentence.\nTwo sentences.\n");

        assertOneLine(CommandRun.of("--plugins", plugins.toString(), "train", "--objective", "bad", "--corpus", corpus.toString(),
                "--run-dir", temp.resolve("run").toString()), "'bad'", "com.bad.BadObjectiveFactory", jar.getFileName().toString(),
                "returned null from create()");
    }
}

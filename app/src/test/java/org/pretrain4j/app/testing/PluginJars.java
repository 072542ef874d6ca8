package org.pretrain4j.app.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

/** Compiles Java sources against the test class path into a plugin jar with its META-INF/services files. */
public final class PluginJars {
    private PluginJars() {}

    /** The text of a plugin's class kept in the test resources as {@code /plugin-source/NAME.java.txt}. */
    public static String source(String name) throws IOException {
        try (InputStream in = PluginJars.class.getResourceAsStream("/plugin-source/" + name + ".java.txt")) {
            assertThat(in).as("test resource /plugin-source/%s.java.txt", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * Compiles {@code sources} (fully qualified class name to source) and writes {@code jar} with the
     * classes and one services file per entry of {@code services} (interface name to implementation).
     */
    public static Path build(Path jar, Map<String, String> sources, Map<String, String> services) throws IOException {
        return build(jar, sources, services, System.getProperty("java.class.path"));
    }

    /** As {@link #build(Path, Map, Map)}, compiling against {@code classpath} only. */
    public static Path build(Path jar, Map<String, String> sources, Map<String, String> services, String classpath) throws IOException {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        assertThat(compiler).as("a JDK with javax.tools").isNotNull();
        Path classes = Files.createTempDirectory(jar.getParent(), "classes");
        List<JavaFileObject> units = new ArrayList<>();
        sources.forEach((name, code) -> units.add(new SimpleJavaFileObject(
                URI.create("string:///" + name.replace('.', '/') + ".java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return code;
            }
        }));
        StringWriter diagnostics = new StringWriter();
        List<String> options = List.of("--release", "17", "-classpath", classpath,
                "-d", classes.toString());
        boolean ok = compiler.getTask(diagnostics, null, null, options, null, units).call();
        assertThat(ok).as("compiling the plugin: %s", diagnostics).isTrue();
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, out);
                out.closeEntry();
            }
            for (Map.Entry<String, String> e : services.entrySet()) {
                out.putNextEntry(new JarEntry("META-INF/services/" + e.getKey()));
                write(out, e.getValue() + "\n");
                out.closeEntry();
            }
        }
        return jar;
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
    }
}

package org.pretrain4j.app.plugin;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipException;
import org.pretrain4j.app.UserException;
import org.pretrain4j.train.IoFailures;

/** Builds the class loader that discovery runs over: the app's own plus every jar of a {@code --plugins} folder. */
public final class PluginClassLoaders {
    private PluginClassLoaders() {}

    /** The jars of {@code directory} (sorted by name) in a loader whose parent is {@code parent}; {@code parent} itself when directory is null. */
    public static ClassLoader withPlugins(Path directory, ClassLoader parent) {
        if (directory == null) {
            return parent;
        }
        if (!Files.isDirectory(directory)) {
            throw UserException.usage("--plugins: '" + directory + "' is not a folder.");
        }
        List<URL> jars = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path jar : files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList()) {
                checkReadable(jar);
                jars.add(jar.toUri().toURL());
            }
        } catch (IOException e) {
            throw UserException.usage("--plugins: cannot list '" + directory + "': " + e.getMessage());
        }
        if (jars.isEmpty()) {
            throw UserException.usage("--plugins: '" + directory + "' has no .jar files.");
        }
        // Lives as long as the process: plugin classes stay in use until exit.
        return new URLClassLoader("pretrain4j-plugins", jars.toArray(URL[]::new), parent);
    }

    /**
     * Fails naming the jar when it is empty, not a zip file or unreadable: the class loader would
     * skip such a jar silently, and the user would only hear that a plugin is unknown.
     */
    static void checkReadable(Path jar) {
        try {
            if (Files.size(jar) == 0) {
                throw UserException.usage("--plugins: '" + jar + "' is empty (0 bytes), not a jar; rebuild it or remove it from the folder.");
            }
            try (JarFile file = new JarFile(jar.toFile())) {
                if (!file.entries().hasMoreElements()) {
                    throw UserException.usage("--plugins: '" + jar + "' is a jar with no entries; rebuild it or remove it from the folder.");
                }
            }
        } catch (ZipException e) {
            throw UserException.usage("--plugins: '" + jar + "' is not a valid jar (" + e.getMessage()
                    + "); rebuild it or remove it from the folder.");
        } catch (IOException | SecurityException e) {
            throw UserException.usage("--plugins: cannot read '" + jar + "': " + IoFailures.describe(e) + ".");
        }
    }
}

package org.pretrain4j.app.plugin;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.pretrain4j.app.UserException;

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
}

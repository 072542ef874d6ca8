package org.pretrain4j.app;

import com.google.inject.Guice;
import com.google.inject.Injector;
import java.nio.file.Path;
import java.util.Arrays;
import org.pretrain4j.app.cli.Commands;
import org.pretrain4j.app.cli.Output;
import org.pretrain4j.app.plugin.DiscoveredPlugins;
import org.pretrain4j.app.plugin.PluginClassLoaders;

/** The command-line entry point: discovers plugins once, creates the one injector, runs the command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        int code = run(args, Output.system());
        System.exit(code);
    }

    /** Runs one command line and returns its exit code (0 ok, 1 runtime failure, 2 usage error). */
    public static int run(String[] args, Output output) {
        boolean stacktrace = Arrays.asList(args).contains("--stacktrace");
        ClassLoader callers = Thread.currentThread().getContextClassLoader();
        try {
            ClassLoader loader = PluginClassLoaders.withPlugins(pluginsDirectory(args), Main.class.getClassLoader());
            // Plugins that resolve resources through the context loader must see their own jars.
            Thread.currentThread().setContextClassLoader(loader);
            Injector injector = Guice.createInjector(AppModules.modules(DiscoveredPlugins.discover(loader), output));
            return Commands.create(injector, stacktrace).execute(args);
        } catch (RuntimeException e) {
            int code = Commands.report(e, output.err(), stacktrace);
            output.err().flush();
            return code;
        } finally {
            Thread.currentThread().setContextClassLoader(callers);
            output.out().flush();
            output.err().flush();
        }
    }

    /**
     * The {@code --plugins} folder, read before picocli parses anything: discovery decides which
     * objectives exist, and the injector that creates the commands is built from it.
     */
    static Path pluginsDirectory(String[] args) {
        Path found = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--")) {
                break;
            }
            if (args[i].equals("--plugins")) {
                if (i + 1 >= args.length) {
                    throw UserException.usage("--plugins needs a folder.");
                }
                found = Path.of(args[++i]);
            } else if (args[i].startsWith("--plugins=")) {
                found = Path.of(args[i].substring("--plugins=".length()));
            }
        }
        return found;
    }
}

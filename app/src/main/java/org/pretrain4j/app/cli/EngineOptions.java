package org.pretrain4j.app.cli;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.pretrain4j.app.UserException;
import org.pretrain4j.data.prepared.PreparationEngine;
import picocli.CommandLine.Option;

/**
 * The preparation engine options that {@code prepare} and {@code tokenizer train} share: which engine
 * ({@code local} or one found by {@link ServiceLoader}, e.g. data-spark's {@code spark}), its master
 * and its split size.
 */
final class EngineOptions {
    @Option(names = "--engine", defaultValue = "local", paramLabel = "NAME",
            description = "local (this machine, all cores) or spark (Apache Spark: the data-spark module on the class path or in --plugins);"
                    + " the same output either way (default: ${DEFAULT-VALUE}).")
    String engine;

    @Option(names = "--master", defaultValue = "local[*]", paramLabel = "URL", description = "Spark master for --engine spark (default: ${DEFAULT-VALUE}).")
    String master;

    @Option(names = "--split-size", defaultValue = "128", paramLabel = "MIB",
            description = "--engine spark: uncompressed text files larger than this are read by several tasks, split at document"
                    + " boundaries (the same documents in the same order); gzip files are one task each (default: ${DEFAULT-VALUE}).")
    long splitMiB;

    boolean local() {
        return engine.equals("local");
    }

    /** The engine's options: {@code master} and {@code split-bytes}; a bad {@code --split-size} fails naming it. */
    Map<String, String> options() {
        return Map.of("master", master, "split-bytes", String.valueOf(splitBytes(splitMiB)));
    }

    /** The named engine among those the context class loader finds. */
    PreparationEngine chosen() {
        return engine(engine, Thread.currentThread().getContextClassLoader());
    }

    /** {@code --split-size} in bytes: the engine option {@code split-bytes}; below 1 MiB fails naming the option. */
    static long splitBytes(long mebibytes) {
        if (mebibytes < 1 || mebibytes >= 1L << 43) {
            throw UserException.usage("--split-size: must be at least 1 MiB, got " + mebibytes);
        }
        return mebibytes << 20;
    }

    /** The engine named {@code name} among those the class loader finds; a miss names the available ones and the jar to add. */
    static PreparationEngine engine(String name, ClassLoader loader) {
        Map<String, PreparationEngine> engines = new TreeMap<>();
        for (PreparationEngine e : ServiceLoader.load(PreparationEngine.class, loader)) {
            engines.putIfAbsent(e.name(), e);
        }
        PreparationEngine found = engines.get(name);
        if (found == null) {
            throw UserException.usage("--engine: unknown engine '" + name + "'. Available: " + engines.keySet()
                    + (name.equals("spark") ? ". Add the data-spark jar and Spark's jars to --plugins (see README, 'Prepare a large corpus')." : "."));
        }
        return found;
    }
}

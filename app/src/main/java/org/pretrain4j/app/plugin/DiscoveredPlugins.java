package org.pretrain4j.app.plugin;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Function;
import org.pretrain4j.app.UserException;
import org.pretrain4j.spi.BackendFactory;
import org.pretrain4j.spi.ExportFormatFactory;
import org.pretrain4j.spi.MaskingStrategyFactory;
import org.pretrain4j.spi.ObjectiveFactory;

/**
 * Every factory ServiceLoader found, sorted by name, with unique names. Discovery runs once per
 * process (in {@code main}, or once per {@code PreTraining.build()}); Guice only binds the result.
 */
public record DiscoveredPlugins(
        List<ObjectiveFactory> objectives,
        List<MaskingStrategyFactory> maskingStrategies,
        List<BackendFactory> backends,
        List<ExportFormatFactory> exportFormats) {

    private static final String NAME_PATTERN = "[a-z][a-z0-9-]*";

    public DiscoveredPlugins {
        objectives = List.copyOf(objectives);
        maskingStrategies = List.copyOf(maskingStrategies);
        backends = List.copyOf(backends);
        exportFormats = List.copyOf(exportFormats);
        checkUnique("objective", objectives, ObjectiveFactory::name);
        checkUnique("masking strategy", maskingStrategies, MaskingStrategyFactory::name);
        checkUnique("backend", backends, BackendFactory::name);
        checkUnique("export format", exportFormats, ExportFormatFactory::name);
        for (ObjectiveFactory f : objectives) {
            if (f.properties().stream().anyMatch(p -> p.key().equals(ObjectiveFactory.WEIGHT))) {
                throw UserException.usage("The objective plugin " + describe(f) + " declares the property '" + ObjectiveFactory.WEIGHT
                        + "', which it would never see: '" + f.name() + "." + ObjectiveFactory.WEIGHT
                        + "' is the weight of its loss, read by the composition. Remove it from properties().");
            }
        }
    }

    /** Plugins without export formats. */
    public DiscoveredPlugins(List<ObjectiveFactory> objectives, List<MaskingStrategyFactory> maskingStrategies,
            List<BackendFactory> backends) {
        this(objectives, maskingStrategies, backends, List.of());
    }

    /** Runs ServiceLoader for the four extension points over {@code loader}. */
    public static DiscoveredPlugins discover(ClassLoader loader) {
        requireNonNull(loader, "loader is null");
        return new DiscoveredPlugins(
                load(ObjectiveFactory.class, loader, ObjectiveFactory::name),
                load(MaskingStrategyFactory.class, loader, MaskingStrategyFactory::name),
                load(BackendFactory.class, loader, BackendFactory::name),
                load(ExportFormatFactory.class, loader, ExportFormatFactory::name));
    }

    private static <T> List<T> load(Class<T> type, ClassLoader loader, Function<T, String> name) {
        List<T> found = new ArrayList<>();
        try {
            for (ServiceLoader.Provider<T> provider : (Iterable<ServiceLoader.Provider<T>>) ServiceLoader.load(type, loader).stream()::iterator) {
                found.add(instantiate(type, provider));
            }
        } catch (ServiceConfigurationError e) {
            // A jar in --plugins names a class that is missing or does not implement the interface.
            throw UserException.usage("Cannot load a " + type.getSimpleName() + " plugin: " + e.getMessage() + causeOf(e));
        }
        found.sort(Comparator.comparing(name));
        return found;
    }

    /** The factory of a provider; a constructor that throws fails naming the class, its jar and the cause. */
    private static <T> T instantiate(Class<T> type, ServiceLoader.Provider<T> provider) {
        Class<? extends T> implementation = provider.type();
        try {
            return provider.get();
        } catch (ServiceConfigurationError e) {
            throw UserException.usage("The " + type.getSimpleName() + " plugin " + describeClass(implementation)
                    + " could not be created" + causeOf(e));
        }
    }

    /** ": the innermost cause's class and message" (the plugin's own exception, under ServiceLoader's wrappers), or "". */
    static String causeOf(Throwable e) {
        Throwable root = null;
        for (Throwable c = e.getCause(); c != null; c = c.getCause() == c ? null : c.getCause()) {
            root = c;
        }
        if (root == null) {
            return "";
        }
        return ": " + root.getClass().getName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }

    private static <T> void checkUnique(String kind, List<T> factories, Function<T, String> name) {
        Map<String, T> byName = new LinkedHashMap<>();
        for (T factory : factories) {
            String n = name.apply(factory);
            if (n == null || !n.matches(NAME_PATTERN)) {
                throw UserException.usage("The " + kind + " plugin " + describe(factory) + " has the invalid name '" + n
                        + "'; names match " + NAME_PATTERN + ".");
            }
            T previous = byName.putIfAbsent(n, factory);
            if (previous != null) {
                throw UserException.usage("Two " + kind + " plugins are named '" + n + "': " + describe(previous)
                        + " and " + describe(factory) + ". Remove one of them from the class path or --plugins.");
            }
        }
    }

    /** The class name and where it was loaded from, so that a user can find the jar. */
    static String describe(Object factory) {
        return describeClass(factory.getClass());
    }

    /** The class name and the jar or folder it was loaded from. */
    static String describeClass(Class<?> type) {
        String where = "";
        try {
            var source = type.getProtectionDomain().getCodeSource();
            if (source != null && source.getLocation() != null) {
                where = " (" + source.getLocation().getPath() + ")";
            }
        } catch (SecurityException ignored) {
            // The location is only a hint.
        }
        return type.getName() + where;
    }
}

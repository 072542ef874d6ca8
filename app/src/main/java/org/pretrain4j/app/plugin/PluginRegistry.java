package org.pretrain4j.app.plugin;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.pretrain4j.spi.Backend;
import org.pretrain4j.spi.BackendFactory;
import org.pretrain4j.spi.ExportFormat;
import org.pretrain4j.spi.ExportFormatFactory;
import org.pretrain4j.spi.MaskingStrategy;
import org.pretrain4j.spi.MaskingStrategyFactory;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.spi.ObjectiveFactory;
import org.pretrain4j.spi.PluginException;
import org.pretrain4j.spi.PluginLookup;
import org.pretrain4j.spi.PluginProperties;

/** The discovered factories by name: lookups with helpful misses, and creation with checked properties. */
@Singleton
public final class PluginRegistry implements PluginLookup {
    private final Map<String, ObjectiveFactory> objectives;
    private final Map<String, MaskingStrategyFactory> maskingStrategies;
    private final Map<String, BackendFactory> backends;
    private final Map<String, ExportFormatFactory> exportFormats;

    @Inject
    public PluginRegistry(
            Map<String, ObjectiveFactory> objectives,
            Map<String, MaskingStrategyFactory> maskingStrategies,
            Map<String, BackendFactory> backends,
            Map<String, ExportFormatFactory> exportFormats) {
        this.objectives = new TreeMap<>(objectives);
        this.maskingStrategies = new TreeMap<>(maskingStrategies);
        this.backends = new TreeMap<>(backends);
        this.exportFormats = new TreeMap<>(exportFormats);
    }

    public Map<String, ObjectiveFactory> objectives() {
        return objectives;
    }

    public Map<String, MaskingStrategyFactory> maskingStrategies() {
        return maskingStrategies;
    }

    public Map<String, BackendFactory> backends() {
        return backends;
    }

    public Map<String, ExportFormatFactory> exportFormats() {
        return exportFormats;
    }

    public ExportFormatFactory exportFormatFactory(String name) {
        return find("export format", exportFormats, name);
    }

    /** Creates the named export format with its properties (keys without the format prefix). */
    public ExportFormat exportFormat(String name, Map<String, String> properties) {
        ExportFormatFactory factory = exportFormatFactory(name);
        PluginProperties.checkKeys("export format", name, factory.properties(), properties);
        return notNull(factory.create(Map.copyOf(properties)), "export format", name, factory, "ExportFormat");
    }

    public ObjectiveFactory objectiveFactory(String name) {
        return find("objective", objectives, name);
    }

    public MaskingStrategyFactory maskingStrategyFactory(String name) {
        return find("masking strategy", maskingStrategies, name);
    }

    public BackendFactory backendFactory(String name) {
        return find("backend", backends, name);
    }

    @Override
    public MaskingStrategy maskingStrategy(String name, Map<String, String> properties) {
        MaskingStrategyFactory factory = maskingStrategyFactory(name);
        PluginProperties.checkKeys("masking strategy", name, factory.properties(), properties);
        return notNull(factory.create(Map.copyOf(properties)), "masking strategy", name, factory, "MaskingStrategy");
    }

    /** Creates the named backend with its properties (keys without the backend prefix). */
    public Backend backend(String name, Map<String, String> properties) {
        BackendFactory factory = backendFactory(name);
        PluginProperties.checkKeys("backend", name, factory.properties(), properties);
        return notNull(factory.create(Map.copyOf(properties)), "backend", name, factory, "Backend");
    }

    /** Creates every objective of the spec, in order, each with its own properties. */
    public List<Objective> objectives(ObjectiveSpec spec) {
        requireNonNull(spec, "spec is null");
        List<Objective> created = new ArrayList<>();
        for (String name : spec.names()) {
            ObjectiveFactory factory = objectiveFactory(name);
            Map<String, String> own = spec.properties().getOrDefault(name, Map.of());
            PluginProperties.checkKeys("objective", name, factory.properties(), own);
            created.add(notNull(factory.create(Map.copyOf(own), this), "objective", name, factory, "Objective"));
        }
        return created;
    }

    /** A factory that returns null breaks its contract: say which one, instead of a NullPointerException later. */
    private static <T> T notNull(T created, String kind, String name, Object factory, String what) {
        if (created == null) {
            throw new PluginException("The " + kind + " plugin '" + name + "' (" + DiscoveredPlugins.describe(factory)
                    + ") returned null from create(); it must return a " + what + ".");
        }
        return created;
    }

    private static <T> T find(String kind, Map<String, T> byName, String name) {
        T found = byName.get(name);
        if (found == null) {
            throw new PluginException("Unknown " + kind + " '" + name + "'. Available: " + new TreeSet<>(byName.keySet())
                    + ". Add the jar that provides it to --plugins.");
        }
        return found;
    }
}

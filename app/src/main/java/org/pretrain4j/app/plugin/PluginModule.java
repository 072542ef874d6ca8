package org.pretrain4j.app.plugin;

import static java.util.Objects.requireNonNull;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;
import org.pretrain4j.spi.BackendFactory;
import org.pretrain4j.spi.ExportFormatFactory;
import org.pretrain4j.spi.MaskingStrategyFactory;
import org.pretrain4j.spi.ObjectiveFactory;
import org.pretrain4j.spi.PluginLookup;

/** Binds the discovered factories into maps keyed by name, and the lookup plugins use among themselves. */
public final class PluginModule extends AbstractModule {
    private final DiscoveredPlugins plugins;

    public PluginModule(DiscoveredPlugins plugins) {
        this.plugins = requireNonNull(plugins, "plugins is null");
    }

    @Override
    protected void configure() {
        MapBinder<String, ObjectiveFactory> objectives = MapBinder.newMapBinder(binder(), String.class, ObjectiveFactory.class);
        plugins.objectives().forEach(f -> objectives.addBinding(f.name()).toInstance(f));
        MapBinder<String, MaskingStrategyFactory> strategies =
                MapBinder.newMapBinder(binder(), String.class, MaskingStrategyFactory.class);
        plugins.maskingStrategies().forEach(f -> strategies.addBinding(f.name()).toInstance(f));
        MapBinder<String, BackendFactory> backends = MapBinder.newMapBinder(binder(), String.class, BackendFactory.class);
        plugins.backends().forEach(f -> backends.addBinding(f.name()).toInstance(f));
        MapBinder<String, ExportFormatFactory> exportFormats =
                MapBinder.newMapBinder(binder(), String.class, ExportFormatFactory.class);
        plugins.exportFormats().forEach(f -> exportFormats.addBinding(f.name()).toInstance(f));
        bind(PluginLookup.class).to(PluginRegistry.class);
    }
}

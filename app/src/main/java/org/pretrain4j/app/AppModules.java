package org.pretrain4j.app;

import com.google.inject.Module;
import java.util.List;
import org.pretrain4j.app.cli.Output;
import org.pretrain4j.app.cli.OutputModule;
import org.pretrain4j.app.plugin.DiscoveredPlugins;
import org.pretrain4j.app.plugin.PluginModule;
import org.pretrain4j.app.progress.ProgressModule;

/** The modules of the one injector, shared by the command line and the library API. */
public final class AppModules {
    private AppModules() {}

    public static List<Module> modules(DiscoveredPlugins plugins, Output output) {
        return List.of(new PluginModule(plugins), new OutputModule(output), new ProgressModule());
    }
}

package org.pretrain4j.testkit;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.pretrain4j.spi.MaskingStrategy;
import org.pretrain4j.spi.MaskingStrategyFactory;
import org.pretrain4j.spi.PluginException;
import org.pretrain4j.spi.PluginLookup;

/** A {@link PluginLookup} over the masking strategies on the test class path, as the app resolves them. */
public final class ServiceLoaderPlugins implements PluginLookup {
    private final Map<String, MaskingStrategyFactory> strategies = new TreeMap<>();

    public ServiceLoaderPlugins() {
        for (MaskingStrategyFactory f : ServiceLoader.load(MaskingStrategyFactory.class)) {
            MaskingStrategyFactory before = strategies.putIfAbsent(f.name(), f);
            if (before != null) {
                throw new PluginException("Two masking strategies are named '" + f.name() + "': "
                        + before.getClass().getName() + " and " + f.getClass().getName());
            }
        }
    }

    @Override
    public MaskingStrategy maskingStrategy(String name, Map<String, String> properties) {
        MaskingStrategyFactory f = strategies.get(name);
        if (f == null) {
            throw new PluginException("Unknown masking strategy '" + name + "'. Available: " + strategies.keySet()
                    + ". Add the jar that provides it to --plugins.");
        }
        return f.create(properties);
    }
}

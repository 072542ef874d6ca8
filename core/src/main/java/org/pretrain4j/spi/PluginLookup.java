package org.pretrain4j.spi;

import java.util.Map;

/** What a plugin may ask of the others at creation time; implemented by the app from its discovered factories. */
public interface PluginLookup {
    /** Creates the named masking strategy; an unknown name throws {@link PluginException} listing the available ones. */
    MaskingStrategy maskingStrategy(String name, Map<String, String> properties);
}

package org.pretrain4j.spi;

/** A plugin cannot be found or configured: unknown name, unknown or invalid property. The message names the culprit. */
public final class PluginException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PluginException(String message) {
        super(message);
    }
}

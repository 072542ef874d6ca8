package org.pretrain4j.spi;

import static java.util.Objects.requireNonNull;

/** One property a plugin accepts: its kebab-case key, default (null when required or none) and a one-line description. */
public record PropertySpec(String key, String defaultValue, String description) {
    public PropertySpec {
        requireNonNull(key, "key is null");
        requireNonNull(description, "description is null");
        if (!key.matches("[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)*")) {
            throw new IllegalArgumentException("property key must be kebab-case: " + key);
        }
    }
}

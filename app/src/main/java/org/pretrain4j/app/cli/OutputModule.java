package org.pretrain4j.app.cli;

import static java.util.Objects.requireNonNull;

import com.google.inject.AbstractModule;

/** Binds where commands write. */
public final class OutputModule extends AbstractModule {
    private final Output output;

    public OutputModule(Output output) {
        this.output = requireNonNull(output, "output is null");
    }

    @Override
    protected void configure() {
        bind(Output.class).toInstance(output);
    }
}

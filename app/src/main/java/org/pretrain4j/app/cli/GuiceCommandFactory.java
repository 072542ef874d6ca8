package org.pretrain4j.app.cli;

import static java.util.Objects.requireNonNull;

import com.google.inject.Injector;
import picocli.CommandLine;

/** Lets picocli create commands through the injector, so commands get their services by constructor. */
final class GuiceCommandFactory implements CommandLine.IFactory {
    private final Injector injector;

    GuiceCommandFactory(Injector injector) {
        this.injector = requireNonNull(injector, "injector is null");
    }

    @Override
    public <K> K create(Class<K> type) throws Exception {
        if (type.isAnnotationPresent(CommandLine.Command.class)) {
            return injector.getInstance(type);
        }
        return CommandLine.defaultFactory().create(type);
    }
}

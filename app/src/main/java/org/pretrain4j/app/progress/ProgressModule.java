package org.pretrain4j.app.progress;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;

/** Binds how training reports progress: a progress bar or log lines on the console, and loss plots in the run folder. */
public final class ProgressModule extends AbstractModule {
    @Override
    protected void configure() {
        Multibinder<RunListenerFactory> listeners = Multibinder.newSetBinder(binder(), RunListenerFactory.class);
        listeners.addBinding().to(ConsoleProgressFactory.class);
        listeners.addBinding().to(LossPlotFactory.class);
    }
}

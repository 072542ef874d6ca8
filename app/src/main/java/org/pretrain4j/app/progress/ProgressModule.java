package org.pretrain4j.app.progress;

import com.google.inject.AbstractModule;

/** Binds how training reports progress: a progress bar on a terminal, log lines otherwise, and loss plots. */
public final class ProgressModule extends AbstractModule {
    @Override
    protected void configure() {}
}

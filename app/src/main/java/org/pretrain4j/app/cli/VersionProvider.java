package org.pretrain4j.app.cli;

import picocli.CommandLine;

/** The version from the jar manifest (the build), or "development" when run from classes. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = Pretrain4jCommand.class.getPackage().getImplementationVersion();
        return new String[] {"pretrain4j " + (version == null ? "development" : version)};
    }
}

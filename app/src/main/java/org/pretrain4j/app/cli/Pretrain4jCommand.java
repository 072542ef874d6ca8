package org.pretrain4j.app.cli;

import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The root command: only groups the subcommands and holds the options they all share. */
@Command(
        name = "pretrain4j",
        mixinStandardHelpOptions = true,
        scope = ScopeType.INHERIT,
        versionProvider = VersionProvider.class,
        description = "Pre-train small transformer language models (BERT MLM+NSP, GPT CLM, your own objectives) and export them to ONNX.",
        subcommands = {
            TrainCommand.class,
            ResumeCommand.class,
            EvaluateCommand.class,
            ExportCommand.class,
            FillMaskCommand.class,
            GenerateCommand.class,
            NextSentenceCommand.class,
            TokenizerCommand.class,
            PluginsCommand.class,
            BenchCommand.class,
            DumpBatchesCommand.class,
            PrepareCommand.class
        })
public final class Pretrain4jCommand implements Runnable {
    @Spec
    CommandSpec spec;

    // Read by Main before the injector exists (discovery must see the plugins); declared here for help and parsing.
    @Option(names = "--plugins", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "Folder of plugin jars (objectives, masking strategies, backends) to discover besides the built-in ones.")
    Path plugins;

    @Option(names = "--stacktrace", hidden = true, scope = ScopeType.INHERIT,
            description = "Print the stack trace of a failure.")
    boolean stacktrace;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}

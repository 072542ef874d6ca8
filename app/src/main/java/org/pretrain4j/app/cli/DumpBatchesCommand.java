package org.pretrain4j.app.cli;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.pretrain4j.app.config.Recipe;
import org.pretrain4j.app.config.RunConfig;
import org.pretrain4j.app.run.BatchDump;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Writes the batches a {@code train} run with the same options reads, for a reference implementation to train on. */
@Command(name = "dump-batches", mixinStandardHelpOptions = true, sortOptions = false, abbreviateSynopsis = true,
        description = {
            "Write the exact batches 'train' with the same options reads (the first --steps training batches and the whole "
                    + "held-out split, masks included), the tokenizer and the recipe, for another implementation to train on "
                    + "the same data: bench/hf_bert_reference.py reads them."
        })
final class DumpBatchesCommand implements Callable<Integer> {
    private final BatchDump dump;
    private final Output output;

    @Mixin
    RunOptions options;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "The folder to write (created; must be empty or absent).")
    Path out;

    @Inject
    DumpBatchesCommand(BatchDump dump, Output output) {
        this.dump = requireNonNull(dump, "dump is null");
        this.output = requireNonNull(output, "output is null");
    }

    @Override
    public Integer call() {
        Recipe.Resolved resolved = options.resolve();
        RunConfig config = resolved.config();
        output.out().println(resolved.recipe().describe(config));
        BatchDump.Written written = dump.write(config, out);
        output.out().printf("Wrote %d training and %d held-out batches to %s%n", written.trainBatches(),
                written.heldOutBatches(), written.directory());
        output.out().flush();
        return 0;
    }
}

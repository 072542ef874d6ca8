package org.pretrain4j.app.cli;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.pretrain4j.app.UserException;
import org.pretrain4j.data.CorpusException;
import org.pretrain4j.data.prepared.DatasetManifest;
import org.pretrain4j.data.prepared.PreparationEngine;
import org.pretrain4j.data.prepared.PreparationRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Tokenizes a corpus once into a prepared dataset (Megatron-LM indexed shards) that train --dataset reads. */
@Command(name = "prepare", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Tokenize a corpus once into a prepared dataset: Megatron-LM indexed shards (.idx/.bin) plus a manifest,",
            "written to a temporary folder and renamed into place when complete. Train on it with 'train --dataset DIR'."
        })
final class PrepareCommand implements Callable<Integer> {
    private final Output output;

    @Option(names = "--corpus", paramLabel = "PATH", description = "Text file, folder or glob (gzip ok); with --engine spark any path Spark reads. Default: the built-in sample.")
    String corpus;

    @Option(names = "--corpus-format", defaultValue = "auto", paramLabel = "NAME",
            description = "auto, bert, text, jsonl, europarl; parquet with --engine spark (default: ${DEFAULT-VALUE}).")
    String corpusFormat;

    @Option(names = "--text-field", defaultValue = "text", paramLabel = "NAME", description = "JSON Lines or Parquet text field (default: ${DEFAULT-VALUE}).")
    String textField;

    @Option(names = "--tokenizer", required = true, paramLabel = "FILE", description = "The tokenizer.json (or vocab.txt) to tokenize with; copied into the dataset.")
    Path tokenizer;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "The dataset folder to create (must not exist, or be empty).")
    String out;

    @Option(names = "--shard-size", defaultValue = "256", paramLabel = "MIB", description = "Tokens per shard, in MiB of .bin (default: ${DEFAULT-VALUE}).")
    long shardMiB;

    @Mixin
    EngineOptions engine = new EngineOptions();

    @Inject
    PrepareCommand(Output output) {
        this.output = requireNonNull(output, "output is null");
    }

    @Override
    public Integer call() {
        if (shardMiB < 1) {
            throw UserException.usage("--shard-size: must be at least 1 MiB, got " + shardMiB);
        }
        Map<String, String> engineOptions = engine.options();
        PreparationEngine chosen = engine.chosen();
        PreparationRequest request = new PreparationRequest(corpus, corpusFormat, textField, tokenizer, out, shardMiB << 20, engineOptions);
        long start = System.nanoTime();
        DatasetManifest m;
        try {
            m = chosen.prepare(request);
        } catch (CorpusException | IllegalArgumentException e) {
            // The message names the file (corpus, tokenizer or output) and the problem.
            throw UserException.usage("prepare: " + e.getMessage());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        output.out().printf("Prepared %,d documents, %,d sentences, %,d tokens in %d shards into %s in %.1f s (%,.0f tokens/s, engine %s)%n",
                m.documents(), m.sentences(), m.tokens(), m.shards().size(), out, seconds, m.tokens() / Math.max(seconds, 1e-9),
                chosen.name());
        output.out().printf("Train on it with: train --dataset %s%n", out);
        output.out().flush();
        return 0;
    }
}

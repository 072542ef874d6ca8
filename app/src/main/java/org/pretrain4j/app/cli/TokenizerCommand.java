package org.pretrain4j.app.cli;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.pretrain4j.app.TokenizerFiles;
import org.pretrain4j.app.UserException;
import org.pretrain4j.app.run.TokenizerTraining;
import org.pretrain4j.data.prepared.TokenizerTrainingRequest;
import org.pretrain4j.text.Encoding;
import org.pretrain4j.text.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Groups the tokenizer subcommands. */
@Command(name = "tokenizer", mixinStandardHelpOptions = true,
        description = "Train a WordPiece or byte-level BPE tokenizer, or encode text with one.",
        subcommands = {TokenizerCommand.Train.class, TokenizerCommand.Encode.class})
final class TokenizerCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Trains a tokenizer from a corpus into a Hugging Face tokenizer.json. */
    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Train a tokenizer from a corpus and write it as a Hugging Face tokenizer.json.")
    static final class Train implements Callable<Integer> {
        private final TokenizerTraining training;
        private final Output output;

        @Option(names = "--type", defaultValue = "wordpiece", description = "wordpiece (BERT) or bpe (GPT-2 byte-level) (default: ${DEFAULT-VALUE}).")
        String type;

        @Option(names = "--vocab-size", defaultValue = "8192", description = "Target vocabulary size (default: ${DEFAULT-VALUE}).")
        int vocabSize;

        @Option(names = "--corpus", paramLabel = "PATH", description = "Text file, folder or glob (gzip ok). Default: the built-in sample.")
        String corpus;

        @Option(names = "--corpus-format", defaultValue = "auto", description = "auto, bert, text, jsonl, europarl (default: ${DEFAULT-VALUE}).")
        String corpusFormat;

        @Option(names = "--text-field", defaultValue = "text", description = "Field holding the text in JSON Lines (default: ${DEFAULT-VALUE}).")
        String textField;

        @Option(names = "--all-languages", description = "Use every language of the built-in sample, not only English.")
        boolean allLanguages;

        @Option(names = "--no-lowercase", description = "WordPiece: keep case (default: lower-case and strip accents, as bert-base-uncased).")
        boolean noLowercase;

        @Option(names = "--output", required = true, paramLabel = "FILE", description = "The tokenizer.json to write.")
        Path out;

        @Mixin
        EngineOptions engine = new EngineOptions();

        @Inject
        Train(TokenizerTraining training, Output output) {
            this.training = requireNonNull(training, "training is null");
            this.output = requireNonNull(output, "output is null");
        }

        @Override
        public Integer call() {
            long start = System.nanoTime();
            Tokenizer tokenizer;
            if (engine.local()) {
                tokenizer = training.train(type, vocabSize, corpus, corpusFormat, textField, allLanguages, !noLowercase, out);
            } else {
                if (allLanguages) {
                    throw UserException.usage("--all-languages: selects from the built-in sample, which only --engine local reads; give --corpus.");
                }
                TokenizerTrainingRequest request;
                try {
                    request = new TokenizerTrainingRequest(corpus, corpusFormat, textField, type, vocabSize, !noLowercase,
                            engine.options());
                } catch (IllegalArgumentException e) {
                    throw UserException.usage(e.getMessage() + ".");
                }
                tokenizer = training.train(engine.chosen(), request, out);
            }
            output.out().printf("Wrote %s: %s, %d tokens, in %.1f s%n", out, tokenizer.kind(), tokenizer.vocabularySize(),
                    (System.nanoTime() - start) / 1e9);
            output.out().flush();
            return 0;
        }
    }

    /** Encodes text and shows ids, tokens and offsets. */
    @Command(name = "encode", mixinStandardHelpOptions = true,
            description = "Encode text as the model sees it (with [CLS]/[SEP] for WordPiece): ids, tokens and character offsets.")
    static final class Encode implements Callable<Integer> {
        private final Output output;

        @Option(names = "--tokenizer", required = true, paramLabel = "FILE", description = "tokenizer.json (or an export folder).")
        Path tokenizer;

        @Option(names = "--no-special-tokens", description = "Do not add [CLS] and [SEP].")
        boolean noSpecialTokens;

        @Option(names = "--json", description = "Print one JSON object: ids, tokens, offsets.")
        boolean json;

        @Parameters(paramLabel = "TEXT", description = "The text to encode.")
        String text;

        @Inject
        Encode(Output output) {
            this.output = requireNonNull(output, "output is null");
        }

        @Override
        public Integer call() {
            Path file = java.nio.file.Files.isDirectory(tokenizer) ? tokenizer.resolve("tokenizer.json") : tokenizer;
            Tokenizer loaded = TokenizerFiles.load(file);
            Encoding encoding = noSpecialTokens ? loaded.encode(text) : loaded.encodeForModel(text);
            List<String> tokens = new ArrayList<>();
            List<int[]> offsets = new ArrayList<>();
            for (int i = 0; i < encoding.length(); i++) {
                tokens.add(loaded.idToToken(encoding.ids()[i]));
                offsets.add(new int[] {encoding.starts()[i], encoding.ends()[i]});
            }
            if (json) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("ids", encoding.ids());
                row.put("tokens", tokens);
                row.put("offsets", offsets);
                output.out().println(Json.write(row));
            } else {
                for (int i = 0; i < encoding.length(); i++) {
                    output.out().printf("%6d  %-16s [%d, %d)%n", encoding.ids()[i], tokens.get(i), offsets.get(i)[0], offsets.get(i)[1]);
                }
            }
            output.out().flush();
            return 0;
        }
    }
}

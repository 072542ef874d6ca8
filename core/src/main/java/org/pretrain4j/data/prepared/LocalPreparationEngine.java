package org.pretrain4j.data.prepared;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.pretrain4j.data.Corpora;
import org.pretrain4j.data.Corpus;
import org.pretrain4j.data.CorpusException;
import org.pretrain4j.data.CorpusFormat;
import org.pretrain4j.data.CorpusOptions;
import org.pretrain4j.data.SampleCorpus;
import org.pretrain4j.text.BpeTrainer;
import org.pretrain4j.text.Tokenizer;
import org.pretrain4j.text.Tokenizers;
import org.pretrain4j.text.WordPieceTrainer;

/** The built-in {@code local} engine: {@link DatasetPreparation} on this machine's cores. */
public final class LocalPreparationEngine implements PreparationEngine {
    @Override
    public String name() {
        return "local";
    }

    @Override
    public DatasetManifest prepare(PreparationRequest request) {
        Corpus corpus = corpus(request);
        Tokenizer tokenizer = tokenizer(request.tokenizer());
        return DatasetPreparation.prepare(corpus, tokenizer, Path.of(request.output()), request.maxShardBytes(), t -> {});
    }

    @Override
    public Tokenizer trainTokenizer(TokenizerTrainingRequest request) {
        Corpus corpus = corpus(request.input(), request.format(), request.textField());
        return request.type().equals("bpe") ? BpeTrainer.train(corpus.sentences(), request.bpeOptions())
                : WordPieceTrainer.train(corpus.sentences(), request.wordPieceOptions());
    }

    /** The corpus of a request as every pretrain4j reader opens it (the built-in sample when input is null). */
    public static Corpus corpus(PreparationRequest request) {
        return corpus(request.input(), request.format(), request.textField());
    }

    private static Corpus corpus(String input, String format, String textField) {
        if (input == null) {
            return SampleCorpus.english();
        }
        CorpusOptions options = CorpusOptions.defaults().withJsonField(textField);
        if (!format.equals("auto")) {
            options = options.withFormat(CorpusFormat.parse(format));
        }
        return Corpora.open(input, options);
    }

    /** Loads a tokenizer file, naming it when it is missing or does not parse. */
    public static Tokenizer tokenizer(Path file) {
        try {
            return Tokenizers.load(file);
        } catch (NoSuchFileException e) {
            throw new CorpusException("tokenizer file " + file + " does not exist", e);
        } catch (IOException | RuntimeException e) {
            throw new CorpusException("cannot read tokenizer " + file + ": " + e.getMessage(), e);
        }
    }
}

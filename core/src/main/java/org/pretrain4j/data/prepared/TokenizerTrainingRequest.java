package org.pretrain4j.data.prepared;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import org.pretrain4j.data.CorpusFormat;
import org.pretrain4j.text.BpeTrainer;
import org.pretrain4j.text.WordPieceTrainer;

/**
 * What {@code tokenizer train --engine NAME} asks an engine for: a tokenizer of {@code type}
 * ({@code wordpiece} or {@code bpe}) with {@code vocabSize} tokens, trained on every sentence of the
 * input ({@code input}, {@code format} and {@code textField} as in {@link PreparationRequest}),
 * WordPiece lower-casing and stripping accents when {@code lowercase}; engine options such as
 * {@code master}. The trainers' options are those of {@code tokenizer train} on one machine, so every
 * engine writes the same tokenizer.json for the same text.
 */
public record TokenizerTrainingRequest(String input, String format, String textField, String type, int vocabSize, boolean lowercase,
        Map<String, String> options) {
    public TokenizerTrainingRequest {
        requireNonNull(format, "format is null");
        requireNonNull(textField, "textField is null");
        requireNonNull(type, "type is null");
        if (!type.equals("wordpiece") && !type.equals("bpe")) {
            throw new IllegalArgumentException("--type: '" + type + "' is not wordpiece or bpe");
        }
        if (!format.equals("auto") && !format.equals("parquet")) {
            try {
                CorpusFormat.parse(format);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--corpus-format: unknown format '" + format
                        + "'; choose one of auto, bert, text, jsonl, europarl, or parquet for engines that read it", e);
            }
        }
        if (vocabSize < 1) {
            throw new IllegalArgumentException("--vocab-size: must be positive, got " + vocabSize);
        }
        options = Map.copyOf(options == null ? Map.of() : options);
    }

    /** The WordPiece trainer's options: {@code tokenizer train}'s defaults with this request's size and case handling. */
    public WordPieceTrainer.Options wordPieceOptions() {
        WordPieceTrainer.Options defaults = WordPieceTrainer.Options.of(vocabSize);
        return new WordPieceTrainer.Options(vocabSize, lowercase, lowercase, defaults.minFrequency(), defaults.limitAlphabet());
    }

    /** The byte-level BPE trainer's options. */
    public BpeTrainer.Options bpeOptions() {
        return BpeTrainer.Options.of(vocabSize);
    }
}

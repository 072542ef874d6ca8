package org.pretrain4j.app.run;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Optional;
import org.pretrain4j.app.inference.EncoderTasks;
import org.pretrain4j.app.inference.ExportedModel;

/** The fill-mask example shown after training an encoder: the export fills a sentence of the corpus (or Europarl's). */
@Singleton
final class FillMaskDemo {
    /** The sentence a run on the built-in sample fills after training: its answers are the sample's institutions. */
    static final String SAMPLE_EXAMPLE = "the european [MASK] has adopted the report.";

    private final RunData data;

    @Inject
    FillMaskDemo(RunData data) {
        this.data = requireNonNull(data, "data is null");
    }

    /** The example on the export of {@code result}; empty for decoders, runs without an export, or when none applies. */
    Optional<RunService.Example> example(RunResult result, String text) {
        if (result.export() == null) {
            return Optional.empty();
        }
        try (ExportedModel model = ExportedModel.open(result.export())) {
            if (model.isDecoder() || model.tokenizer().specialTokens().mask() < 0) {
                return Optional.empty();
            }
            String sentence = text != null ? text : data.exampleSentence(result.runDirectory(), SAMPLE_EXAMPLE);
            String mask = model.tokenizer().idToToken(model.tokenizer().specialTokens().mask());
            if (sentence != null && text == null && !mask.equals("[MASK]")) {
                // The corpus sentence is masked BERT's way; a model started from RoBERTa spells its mask <mask>.
                sentence = sentence.replace(" [MASK]", mask).replace("[MASK]", mask);
            }
            if (sentence == null || !sentence.contains(mask)) {
                return Optional.empty();
            }
            return Optional.of(new RunService.Example(sentence, new EncoderTasks(model).fillMask(sentence, 5)));
        }
    }
}

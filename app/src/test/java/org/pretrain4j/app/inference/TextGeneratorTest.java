package org.pretrain4j.app.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pretrain4j.app.testing.CommandRun;
import org.pretrain4j.app.testing.TestCorpus;

final class TextGeneratorTest {
    @Test
    void decodingThroughTheCacheChoosesWhatRecomputingEverythingChooses(@TempDir Path temp) throws Exception {
        Path corpus = TestCorpus.write(temp.resolve("corpus.txt"), 30, 7);
        Path run = temp.resolve("run");
        CommandRun training = CommandRun.of("train", "--corpus", corpus.toString(), "--objective", "clm", "--preset", "tiny",
                "--vocab-size", "300", "--steps", "12", "--batch-size", "4", "--seq", "32", "--learning-rate", "3e-3",
                "--warmup-steps", "2", "--eval-batches", "1", "--threads", "1", "--validation-fraction", "0.1",
                "--run-dir", run.toString());
        assertThat(training.exitCode()).as(training.err()).isZero();

        try (ExportedModel model = ExportedModel.open(run.resolve("export"))) {
            TextGenerator generator = new TextGenerator(model);
            Sampling sampled = new Sampling(1.0, 50, 0.95, 9);
            for (Sampling sampling : List.of(Sampling.greedy(), sampled)) {
                List<TextGenerator.Step> cached = generator.generate("The council", 12, sampling, 3, s -> {}, true);
                List<TextGenerator.Step> recomputed = generator.generate("The council", 12, sampling, 3, s -> {}, false);

                assertThat(cached).extracting(TextGenerator.Step::id)
                        .containsExactlyElementsOf(recomputed.stream().map(TextGenerator.Step::id).toList());
                for (int i = 0; i < cached.size(); i++) {
                    assertThat(cached.get(i).probability()).isCloseTo(recomputed.get(i).probability(),
                            org.assertj.core.api.Assertions.within(1e-4));
                }
            }
        }

        // A prompt 5 positions short of the model's length: generate says why it stops before --max-new-tokens.
        String prompt;
        int positions;
        try (ExportedModel model = ExportedModel.open(run.resolve("export"))) {
            positions = new TextGenerator(model).maxPositions();
            StringBuilder text = new StringBuilder("The council");
            while (model.tokenizer().encode(text + " adopts").length() <= positions - 5) {
                text.append(" adopts");
            }
            prompt = text.toString();
        }
        CommandRun generated = CommandRun.of("generate", "--model", run.resolve("export").toString(), "--max-new-tokens", "20", "--json",
                prompt);
        assertThat(generated.exitCode()).as(generated.err()).isZero();
        if (!generated.out().contains("\"stop_reason\":\"end_of_text\"")) {
            assertThat(generated.out()).contains("\"stop_reason\":\"max_positions\"");
            assertThat(generated.err()).contains("Stopped after").contains("of 20 new tokens")
                    .contains("at most " + positions + " positions");
        }
    }
}

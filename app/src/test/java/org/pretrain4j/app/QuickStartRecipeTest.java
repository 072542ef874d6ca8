package org.pretrain4j.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pretrain4j.app.config.ConfigFiles;
import org.pretrain4j.app.config.Recipe;
import org.pretrain4j.app.config.RunConfig;
import org.pretrain4j.app.testing.CommandRun;
import org.pretrain4j.app.testing.TestCorpus;

/**
 * {@code train} end to end (two steps on a small corpus): with no training option the run folder
 * holds the quick-start recipe the README documents, and each option given replaces its value.
 */
final class QuickStartRecipeTest {
    private static CommandRun train(Path corpus, Path run, String... options) {
        String[] fixed = {"train", "--corpus", corpus.toString(), "--vocab-size", "200", "--eval-batches", "1",
            "--validation-fraction", "0.1", "--threads", "1", "--no-export", "--run-dir", run.toString()};
        String[] all = java.util.Arrays.copyOf(fixed, fixed.length + options.length);
        System.arraycopy(options, 0, all, fixed.length, options.length);
        return CommandRun.of(all);
    }

    @Test
    void theDefaultsAreTheDocumentedRecipeAndEveryOptionOverridesIt(@TempDir Path temp) throws Exception {
        Path corpus = TestCorpus.write(temp.resolve("corpus.txt"), 40, 5);
        Recipe.Resolved documented = Recipe.resolve(null, null, Map.of());
        String line = documented.recipe().describe(documented.config());

        CommandRun defaults = train(corpus, temp.resolve("defaults"), "--steps", "2");
        CommandRun explicit = train(corpus, temp.resolve("explicit"), "--steps", "3", "--batch-size", "4", "--seq", "32",
                "--lr", "5e-4", "--warmup-steps", "1", "--schedule", "linear", "--dropout", "0.1", "-p", "mlm.strategy.rate=0.15");

        assertThat(Files.readString(Path.of("..", "README.md"))).as("README documents the recipe line").contains(line);
        assertThat(defaults.exitCode()).as(defaults.err()).isZero();
        assertThat(defaults.out()).startsWith(line.substring(0, line.indexOf(". Options")) + " (replaced here: --steps).");
        RunConfig saved = ConfigFiles.load(temp.resolve("defaults").resolve(ConfigFiles.RUN_CONFIG));
        assertThat(saved.batchSize()).isEqualTo(64);
        assertThat(saved.sequenceLength()).isEqualTo(64);
        assertThat(saved.learningRate()).isEqualTo(2e-3);
        assertThat(saved.warmupSteps()).isEqualTo(200);
        assertThat(saved.schedule()).isEqualTo("constant");
        assertThat(saved.dropout()).isZero();
        assertThat(saved.properties()).containsEntry("mlm.strategy.rate", "0.4");
        // The run's summary adds the figure at BERT's 15% masking when it trained at another rate.
        assertThat(defaults.out()).contains("Held-out at BERT's 15% masking (trained at 0.4): masked_lm_accuracy=");

        assertThat(explicit.exitCode()).as(explicit.err()).isZero();
        assertThat(explicit.out()).contains("(replaced here: --steps, --batch-size, --sequence-length, --learning-rate, "
                + "--warmup-steps, --schedule, --dropout, mlm.strategy.rate)");
        RunConfig given = ConfigFiles.load(temp.resolve("explicit").resolve(ConfigFiles.RUN_CONFIG));
        assertThat(given.steps()).isEqualTo(3);
        assertThat(given.batchSize()).isEqualTo(4);
        assertThat(given.sequenceLength()).isEqualTo(32);
        assertThat(given.learningRate()).isEqualTo(5e-4);
        assertThat(given.warmupSteps()).isEqualTo(1);
        assertThat(given.schedule()).isEqualTo("linear");
        assertThat(given.dropout()).isEqualTo(0.1);
        assertThat(given.properties()).containsEntry("mlm.strategy.rate", "0.15");
        assertThat(explicit.out()).doesNotContain("Held-out at BERT's 15% masking");
    }
}

package org.pretrain4j.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pretrain4j.app.UserException;

final class RecipeTest {
    /** A value other than the recipe's for every key it sets. */
    private static final Map<String, Object> OTHER_VALUES = Map.of(
            "steps", 7, "batch-size", 5, "sequence-length", 48, "learning-rate", 3e-4, "warmup-steps", 3,
            "schedule", "cosine", "dropout", 0.2);

    @Test
    void quickStartForAnEncoderMasksFortyPercentOnShortSequencesAtAConstantRate() {
        RunConfig config = Recipe.resolve(null, null, Map.of()).config();

        assertThat(config.objective()).isEqualTo("mlm+nsp");
        assertThat(config.steps()).isEqualTo(1200);
        assertThat(config.batchSize()).isEqualTo(64);
        assertThat(config.sequenceLength()).isEqualTo(64);
        assertThat(config.learningRate()).isEqualTo(2e-3);
        assertThat(config.warmupSteps()).isEqualTo(200);
        assertThat(config.schedule()).isEqualTo("constant");
        assertThat(config.dropout()).isZero();
        assertThat(config.properties()).containsExactly(Map.entry("mlm.strategy.rate", "0.4"));
        // Everything else is the plain defaults.
        RunConfig plain = RunConfig.defaults();
        assertThat(config.preset()).isEqualTo(plain.preset());
        assertThat(config.vocabSize()).isEqualTo(plain.vocabSize());
        assertThat(config.weightDecay()).isEqualTo(plain.weightDecay());
        assertThat(config.evalEvery()).isEqualTo(plain.evalEvery());
    }

    @Test
    void quickStartForClmKeepsLongBlocksAndSetsNoMaskingRate() {
        RunConfig config = Recipe.resolve(null, null, Map.of("objective", "clm")).config();

        assertThat(config.steps()).isEqualTo(800);
        assertThat(config.sequenceLength()).isEqualTo(128);
        assertThat(config.schedule()).isEqualTo("linear");
        assertThat(config.dropout()).isZero();
        assertThat(config.properties()).isEmpty();
        assertThat(Recipe.resolve(null, null, Map.of("objective", "nsp")).config().properties()).isEmpty();
    }

    @Test
    void everyOptionOverridesTheRecipe() {
        Recipe recipe = Recipe.named(Recipe.QUICK_START, "mlm+nsp");
        assertThat(OTHER_VALUES.keySet()).containsAll(recipe.values().keySet().stream().filter(k -> !k.equals("properties")).toList());
        for (Map.Entry<String, Object> e : OTHER_VALUES.entrySet()) {
            RunConfig config = Recipe.resolve(null, null, Map.of(e.getKey(), e.getValue())).config();
            Object actual = ConfigFiles.asMap(config).get(e.getKey());
            assertThat(String.valueOf(actual)).as(e.getKey()).isEqualTo(String.valueOf(e.getValue()));
        }
        RunConfig rate = Recipe.resolve(null, null, Map.of("properties", Map.of("mlm.strategy.rate", "0.15"))).config();
        assertThat(rate.properties()).containsEntry("mlm.strategy.rate", "0.15");
    }

    @Test
    void aConfigFileOverridesTheRecipeAndTheCommandLineOverridesTheFile(@TempDir Path temp) throws Exception {
        Path file = Files.writeString(temp.resolve("run.yaml"), "steps: 50\nproperties:\n  mlm.strategy.rate: 0.2\n");

        RunConfig fromFile = Recipe.resolve(null, file, Map.of()).config();
        RunConfig fromOptions = Recipe.resolve(null, file, Map.of("steps", 9)).config();

        assertThat(fromFile.steps()).isEqualTo(50);
        assertThat(fromFile.properties()).containsEntry("mlm.strategy.rate", "0.2");
        assertThat(fromFile.batchSize()).isEqualTo(64);
        assertThat(fromOptions.steps()).isEqualTo(9);
    }

    @Test
    void noneKeepsThePlainDefaultsAndAnUnknownNameListsTheRecipes() {
        assertThat(Recipe.resolve(Recipe.NONE, null, Map.of()).config()).isEqualTo(RunConfig.defaults());
        assertThatThrownBy(() -> Recipe.resolve("fast", null, Map.of()))
                .isInstanceOf(UserException.class).hasMessage("--recipe: unknown recipe 'fast'. Available: [quick-start, none].");
    }

    @Test
    void theStartUpLineListsTheValuesAndWhatWasReplaced() {
        Recipe.Resolved plain = Recipe.resolve(null, null, Map.of());
        Map<String, Object> options = new LinkedHashMap<>(Map.of("steps", 7, "dropout", 0.1));
        options.put("properties", Map.of("mlm.strategy.rate", "0.15"));
        Recipe.Resolved replaced = Recipe.resolve(null, null, options);

        assertThat(plain.recipe().describe(plain.config())).isEqualTo(
                "Recipe quick-start for mlm+nsp: --steps 1200 --batch-size 64 --sequence-length 64 --learning-rate 0.002 "
                        + "--warmup-steps 200 --schedule constant --dropout 0 -p mlm.strategy.rate=0.4. "
                        + "Options and --config override it; --recipe none for the plain defaults.");
        assertThat(replaced.recipe().describe(replaced.config()))
                .contains("(replaced here: --steps, --dropout, mlm.strategy.rate)");
    }

    @Test
    void aPluginMaskingStrategyGetsNoMaskingRateFromTheRecipe() {
        RunConfig plugin = Recipe.resolve(null, null, Map.of("properties", Map.of("mlm.strategy", "every-nth"))).config();
        RunConfig span = Recipe.resolve(null, null, Map.of("properties", Map.of("mlm.strategy", "span"))).config();

        assertThat(plugin.properties()).containsExactly(Map.entry("mlm.strategy", "every-nth"));
        assertThat(plugin.sequenceLength()).isEqualTo(64);
        assertThat(span.properties()).containsEntry("mlm.strategy.rate", "0.4");
    }
}

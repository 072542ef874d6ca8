package org.pretrain4j.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pretrain4j.app.config.ConfigFiles;
import org.pretrain4j.app.config.RunConfig;
import org.pretrain4j.app.run.RunResult;
import org.pretrain4j.app.testing.TestCorpus;
import org.pretrain4j.spi.PluginException;
import org.pretrain4j.train.StepRecord;
import org.pretrain4j.train.TrainingListener;

/** The library API trains, evaluates and exports with the same wiring and run folder as the command line. */
final class PreTrainingTest {
    @Test
    void theBuilderTrainsEvaluatesAndExports(@TempDir Path temp) throws Exception {
        Path corpus = TestCorpus.write(temp.resolve("corpus.txt"), 40, 21);
        Path config = Files.writeString(temp.resolve("run.yaml"), "steps: 100\nbatch-size: 4\neval-batches: 1\n");
        List<Long> steps = new ArrayList<>();

        PreTraining training = PreTraining.builder()
                .configFile(config)
                .corpus(corpus)
                .tokenizer("wordpiece", 200)
                .objectives("mlm")
                .property("mlm.strategy", "whole-word")
                .preset("tiny")
                .backend("onnx")
                .steps(4)
                .sequenceLength(32)
                .threads(1)
                .set("validation-fraction", 0.1)
                .runDirectory(temp.resolve("run"))
                .listener(new TrainingListener() {
                    @Override
                    public void onStep(StepRecord record) {
                        steps.add(record.step());
                    }
                })
                .quiet()
                .build();
        RunResult result = training.train();
        Map<String, Double> metrics = training.evaluate();
        Path second = training.export(temp.resolve("second"));

        assertThat(steps).containsExactly(1L, 2L, 3L, 4L);
        assertThat(result.steps()).isEqualTo(4);
        assertThat(result.completed()).isTrue();
        assertThat(result.export().resolve("onnx").resolve("model.onnx")).exists();
        assertThat(metrics).containsKey("masked_lm_accuracy");
        assertThat(second.resolve("config.json")).exists();
        RunConfig saved = ConfigFiles.load(temp.resolve("run").resolve(ConfigFiles.RUN_CONFIG));
        assertThat(saved.steps()).isEqualTo(4);
        assertThat(saved.batchSize()).isEqualTo(4);
        assertThat(saved.properties()).containsEntry("mlm.strategy", "whole-word");
    }

    @Test
    void mistakesFailWithTheSameMessagesAsTheCommandLine(@TempDir Path temp) {
        PreTraining training = PreTraining.builder().objectives("mlx").runDirectory(temp.resolve("run")).quiet().build();

        assertThatThrownBy(training::trainWithoutExport).isInstanceOf(PluginException.class)
                .hasMessageStartingWith("Unknown objective 'mlx'. Available: [clm, mlm, nsp, sop]");
        assertThatThrownBy(() -> PreTraining.builder().steps(0).runDirectory(temp).build())
                .isInstanceOf(UserException.class).hasMessageContaining("'steps' must be positive");
    }
}

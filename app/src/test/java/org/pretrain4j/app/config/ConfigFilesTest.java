package org.pretrain4j.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pretrain4j.app.UserException;

final class ConfigFilesTest {
    @Test
    void noFileAndNoOptionsGiveTheDefaults() {
        RunConfig config = ConfigFiles.resolve(null, Map.of());

        assertThat(config).isEqualTo(RunConfig.defaults());
        assertThat(config.preset()).isEqualTo("tiny");
        assertThat(config.objective()).isEqualTo("mlm+nsp");
        assertThat(config.sequenceLength()).isEqualTo(128);
        assertThat(config.corpus()).isNull();
    }

    @Test
    void aFullYamlMappingSetsEveryKey(@TempDir Path temp) throws Exception {
        Path file = temp.resolve("run.yaml");
        Files.writeString(file, """
                preset: mini
                objective: clm
                properties:
                  clm.foo: 1
                  onnx.threads: 2
                backend: onnx
                corpus: /data/text
                corpus-format: jsonl
                text-field: body
                all-languages: true
                tokenizer: /data/tokenizer.json
                tokenizer-type: bpe
                vocab-size: 1000
                steps: 10
                batch-size: 4
                sequence-length: 32
                learning-rate: 0.0005
                warmup-steps: 2
                schedule: cosine
                weight-decay: 0.1
                clip-norm: 0.5
                gradient-accumulation: 2
                dropout: 0.0
                eval-every: 5
                eval-batches: 3
                checkpoint-every: 5
                keep-checkpoints: 2
                log-every: 1
                validation-fraction: 0.1
                seed: 7
                threads: 1
                init-from: /models/bert-tiny
                """);

        RunConfig config = ConfigFiles.resolve(file, Map.of());

        assertThat(config).isEqualTo(new RunConfig("mini", "clm", Map.of("clm.foo", "1", "onnx.threads", "2"), "onnx",
                "/data/text", "jsonl", "body", true, "/data/tokenizer.json", "bpe", 1000, 10, 4, 32, 0.0005, 2, "cosine",
                0.1, 0.5, 2, 0.0, 5, 3, 5, 2, 1, 0.1, 7, 1, "/models/bert-tiny"));
    }

    @Test
    void commandLineOverridesTheFileAndPropertiesMergeByKey(@TempDir Path temp) throws Exception {
        Path file = temp.resolve("run.json");
        Files.writeString(file, "{\"steps\": 10, \"batch-size\": 4, \"properties\": {\"nsp.weight\": \"0.5\", \"mlm.strategy\": \"span\"}}");
        Map<String, Object> overrides = new HashMap<>();
        overrides.put("steps", 20);
        overrides.put("seed", null);
        overrides.put("properties", Map.of("mlm.strategy", "whole-word"));

        RunConfig config = ConfigFiles.resolve(file, overrides);

        assertThat(config.steps()).isEqualTo(20);
        assertThat(config.batchSize()).isEqualTo(4);
        assertThat(config.seed()).isEqualTo(RunConfig.defaults().seed());
        assertThat(config.properties()).containsExactlyInAnyOrderEntriesOf(Map.of("nsp.weight", "0.5", "mlm.strategy", "whole-word"));
    }

    @Test
    void savedConfigurationReadsBackEqual(@TempDir Path temp) {
        RunConfig config = ConfigFiles.resolve(null, Map.of("steps", 33, "properties", Map.of("nsp.weight", "2")));

        Path saved = ConfigFiles.save(config, temp.resolve("run"));

        assertThat(saved.getFileName().toString()).isEqualTo("run-config.json");
        assertThat(ConfigFiles.load(saved)).isEqualTo(config);
    }

    @Test
    void anUnknownKeyInTheFileIsNamedWithTheFile(@TempDir Path temp) throws Exception {
        Path file = temp.resolve("run.yaml");
        Files.writeString(file, "stepz: 10\n");

        assertThatThrownBy(() -> ConfigFiles.resolve(file, Map.of()))
                .isInstanceOf(UserException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("unknown key 'stepz'").hasMessageContaining("steps");
    }

    @Test
    void aBadValueNamesTheOptionOrTheFile(@TempDir Path temp) throws Exception {
        Path file = temp.resolve("run.yaml");
        Files.writeString(file, "batch-size: 0\n");

        assertThatThrownBy(() -> ConfigFiles.resolve(file, Map.of()))
                .isInstanceOf(UserException.class).hasMessageContaining(file.toString()).hasMessageContaining("'batch-size' must be positive");
        assertThatThrownBy(() -> ConfigFiles.resolve(file, Map.of("batch-size", -1)))
                .isInstanceOf(UserException.class).hasMessageStartingWith("--batch-size: 'batch-size' must be positive");
    }

    @Test
    void aWrongTypeAndABrokenFileAreNamed(@TempDir Path temp) throws Exception {
        Path typed = temp.resolve("typed.yaml");
        Files.writeString(typed, "steps: many\n");
        Path broken = temp.resolve("broken.json");
        Files.writeString(broken, "{\"steps\": 10,,}");

        assertThatThrownBy(() -> ConfigFiles.resolve(typed, Map.of()))
                .isInstanceOf(UserException.class).hasMessageContaining("typed.yaml").hasMessageContaining("'steps' has the wrong type");
        assertThatThrownBy(() -> ConfigFiles.resolve(broken, Map.of()))
                .isInstanceOf(UserException.class).hasMessageContaining("broken.json line 1");
        assertThatThrownBy(() -> ConfigFiles.resolve(temp.resolve("missing.yaml"), Map.of()))
                .isInstanceOf(UserException.class).hasMessageContaining("--config").hasMessageContaining("does not exist");
    }
}

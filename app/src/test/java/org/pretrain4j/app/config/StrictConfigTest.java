package org.pretrain4j.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pretrain4j.app.UserException;

/** Config files are strict: no silent truncation of 10.9 to 10, no "last duplicate wins", no empty file run as the defaults. */
final class StrictConfigTest {
    @Test
    void aFractionForAnIntegerKeyFailsNamingTheKey(@TempDir Path temp) throws Exception {
        Path yaml = Files.writeString(temp.resolve("run.yaml"), "steps: 10.9\n");
        Path json = Files.writeString(temp.resolve("run.json"), "{\"batch-size\": 3.5}");

        assertThatThrownBy(() -> ConfigFiles.resolve(yaml, Map.of())).isInstanceOf(UserException.class)
                .hasMessageContaining(yaml.toString()).hasMessageContaining("'steps'").hasMessageContaining("10.9");
        assertThatThrownBy(() -> ConfigFiles.resolve(json, Map.of())).isInstanceOf(UserException.class)
                .hasMessageContaining("'batch-size'").hasMessageContaining("3.5");
    }

    @Test
    void aDuplicatedKeyFailsNamingItAndItsLine(@TempDir Path temp) throws Exception {
        Path yaml = Files.writeString(temp.resolve("run.yaml"), "steps: 10\npreset: mini\nsteps: 20\n");
        Path json = Files.writeString(temp.resolve("run.json"), "{\"steps\": 10,\n \"steps\": 20}");

        assertThatThrownBy(() -> ConfigFiles.resolve(yaml, Map.of())).isInstanceOf(UserException.class)
                .hasMessageContaining(yaml + " line 3").hasMessageContaining("Duplicate field 'steps'");
        assertThatThrownBy(() -> ConfigFiles.resolve(json, Map.of())).isInstanceOf(UserException.class)
                .hasMessageContaining("line 2").hasMessageContaining("Duplicate field 'steps'");
    }

    @Test
    void anEmptyFileFailsInsteadOfRunningTheDefaults(@TempDir Path temp) throws Exception {
        for (String name : new String[] {"empty.yaml", "empty.json", "comments.yaml"}) {
            Path file = Files.writeString(temp.resolve(name), name.startsWith("comments") ? "# nothing yet\n" : "");
            assertThatThrownBy(() -> ConfigFiles.resolve(file, Map.of())).as(name).isInstanceOf(UserException.class)
                    .hasMessageContaining(file.toString()).hasMessageContaining("is empty");
        }
    }

    @Test
    void wholeNumbersStillWork(@TempDir Path temp) throws Exception {
        Path yaml = Files.writeString(temp.resolve("run.yaml"), "steps: 10\nlearning-rate: 1\n");

        RunConfig config = ConfigFiles.resolve(yaml, Map.of());

        assertThat(config.steps()).isEqualTo(10);
        assertThat(config.learningRate()).isEqualTo(1.0);
    }
}

package org.pretrain4j.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pretrain4j.app.config.ConfigFiles;
import org.pretrain4j.app.config.RunConfig;
import org.pretrain4j.app.testing.CommandRun;
import org.pretrain4j.app.testing.TestCorpus;

final class CommandLineConfigTest {
    @Test
    void aConfigFileWithCommandLineOverridesIsResolvedAndSavedInTheRunFolder(@TempDir Path temp) throws Exception {
        Path corpus = TestCorpus.write(temp.resolve("corpus.txt"), 30, 4);
        Path config = Files.writeString(temp.resolve("run.yaml"), """
                objective: mlm
                preset: tiny
                corpus: %s
                vocab-size: 200
                steps: 50
                batch-size: 4
                sequence-length: 32
                eval-batches: 1
                validation-fraction: 0.1
                threads: 1
                properties:
                  mlm.strategy.rate: 0.2
                """.formatted(corpus));
        Path run = temp.resolve("run");

        CommandRun r = CommandRun.of("train", "--config", config.toString(), "--steps", "2", "--property", "mlm.strategy=span",
                "--run-dir", run.toString(), "--no-export");

        assertThat(r.exitCode()).as(r.err()).isZero();
        RunConfig saved = ConfigFiles.load(run.resolve(ConfigFiles.RUN_CONFIG));
        assertThat(saved.steps()).isEqualTo(2);
        assertThat(saved.objective()).isEqualTo("mlm");
        assertThat(saved.batchSize()).isEqualTo(4);
        assertThat(saved.properties()).containsEntry("mlm.strategy.rate", "0.2").containsEntry("mlm.strategy", "span");
    }

    @Test
    void tokenizerTrainWritesATokenizerThatEncodes(@TempDir Path temp) throws Exception {
        Path corpus = TestCorpus.write(temp.resolve("corpus.txt"), 30, 8);
        Path out = temp.resolve("tok").resolve("tokenizer.json");

        CommandRun train = CommandRun.of("tokenizer", "train", "--type", "bpe", "--vocab-size", "300", "--corpus", corpus.toString(),
                "--output", out.toString());
        CommandRun encode = CommandRun.of("tokenizer", "encode", "--tokenizer", out.toString(), "--json", "The council adopts");
        CommandRun bad = CommandRun.of("tokenizer", "train", "--type", "unigram", "--corpus", corpus.toString(), "--output",
                temp.resolve("x.json").toString());

        assertThat(train.exitCode()).as(train.err()).isZero();
        assertThat(train.out()).contains("BYTE_LEVEL_BPE").contains("300");
        assertThat(out).exists();
        assertThat(encode.exitCode()).as(encode.err()).isZero();
        assertThat(encode.out()).contains("\"ids\"").contains("\"offsets\"");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--type").contains("unigram");
    }

    @Test
    void everyCommandHasHelp() {
        for (String[] command : new String[][] {{"--help"}, {"train", "--help"}, {"resume", "--help"}, {"evaluate", "--help"},
            {"export", "--help"}, {"fill-mask", "--help"}, {"generate", "--help"}, {"next-sentence", "--help"},
            {"tokenizer", "--help"}, {"tokenizer", "train", "--help"}, {"tokenizer", "encode", "--help"}, {"plugins", "--help"},
            {"bench", "--help"}, {"dump-batches", "--help"}}) {
            CommandRun r = CommandRun.of(command);
            assertThat(r.exitCode()).as(String.join(" ", command)).isZero();
            assertThat(r.out()).as(String.join(" ", command)).startsWith("Usage: pretrain4j");
        }
    }
}

package org.pretrain4j.app.pretrained;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pretrain4j.app.testing.CommandRun;
import org.pretrain4j.app.testing.TestCorpus;

/** A model folder that does not fit fails at start-up with one line naming the file, and leaves no run folder. */
final class InitFromBadInputTest {
    @TempDir
    Path temp;

    @Test
    void sizesThatDisagreeWithTheWeightsNameTheKeyAndBothShapes() throws IOException {
        Path model = copyWithConfig("bert", "\"intermediate_size\": 32", "\"intermediate_size\": 48");

        CommandRun run = train(model, "mlm");

        assertFailsOneLine(run, "model.safetensors: tensor 'bert.encoder.layer.0.intermediate.dense.weight' has shape [32, 16]"
                + " but the model described by config.json needs [48, 16]");
    }

    @Test
    void aTokenizerOfAnotherSizeThanTheEmbeddingNamesTheFile() throws IOException {
        Path model = copyWithConfig("bert", "\"vocab_size\": 98", "\"vocab_size\": 120");

        CommandRun run = train(model, "mlm");

        assertFailsOneLine(run, "tokenizer.json: the tokenizer has 98 ids but config.json says vocab_size 120");
    }

    @Test
    void anObjectiveThatDoesNotFitNamesTheArchitectureAndTheObjectivesThatDo() throws IOException {
        CommandRun run = train(HuggingFaceFixtures.folder("bert"), "clm");

        assertFailsOneLine(run, "--objective clm does not fit");
        assertThat(run.err()).contains("a bert model trains with mlm, mlm+nsp, mlm+sop, nsp, sop");
    }

    @Test
    void anUnsupportedModelTypeOrOptionIsNamedWithWhatIsSupported() throws IOException {
        CommandRun type = train(copyWithConfig("bert", "\"model_type\": \"bert\"", "\"model_type\": \"t5\""), "mlm");
        assertFailsOneLine(type, "model_type 't5' is not supported; supported: [bert, roberta, gpt2]");

        CommandRun option = train(copyWithConfig("bert", "\"hidden_act\": \"gelu\"", "\"hidden_act\": \"relu\""), "mlm");
        assertFailsOneLine(option, "'hidden_act': activation 'relu' is not supported; supported: [gelu, gelu_new, gelu_pytorch_tanh]");
    }

    @Test
    void aPresetGivenWithInitFromIsRefusedInsteadOfIgnored() throws IOException {
        CommandRun run = train(HuggingFaceFixtures.folder("bert"), "mlm", "--preset", "small");

        assertFailsOneLine(run, "--preset small: cannot be combined with --init-from");
    }

    private Path copyWithConfig(String fixture, String from, String to) throws IOException {
        Path target = Files.createDirectories(temp.resolve("model-" + to.replaceAll("[^a-z0-9]", "")));
        try (var files = Files.list(HuggingFaceFixtures.folder(fixture))) {
            for (Path f : files.toList()) {
                Files.copy(f, target.resolve(f.getFileName()));
            }
        }
        String config = Files.readString(target.resolve("config.json"));
        assertThat(config).contains(from);
        Files.writeString(target.resolve("config.json"), config.replace(from, to));
        return target;
    }

    private CommandRun train(Path model, String objective, String... extra) throws IOException {
        Path corpus = TestCorpus.write(temp.resolve("corpus.txt"), 20, 3);
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("train", "--init-from", model.toString(), "--objective",
                objective, "--corpus", corpus.toString(), "--run-dir", temp.resolve("run").toString(), "--steps", "2",
                "--sequence-length", "32", "--threads", "1"));
        args.addAll(java.util.List.of(extra));
        return CommandRun.of(args.toArray(String[]::new));
    }

    private void assertFailsOneLine(CommandRun run, String expected) {
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains(expected);
        assertThat(run.err().strip()).doesNotContain("\n").doesNotContain("Exception");
        assertThat(temp.resolve("run")).doesNotExist();
    }
}

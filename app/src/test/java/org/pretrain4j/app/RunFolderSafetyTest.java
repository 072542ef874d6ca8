package org.pretrain4j.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pretrain4j.app.testing.CommandRun;
import org.pretrain4j.app.testing.TestCorpus;

/**
 * Run folders at the command line: a corpus too small for its split fails before step 1, the
 * advice for damaged checkpoints is true (and {@code --fall-back} works), and a re-export leaves a
 * user's files alone.
 */
final class RunFolderSafetyTest {
    @TempDir
    static Path temp;
    static Path corpus;
    static Path run;

    @BeforeAll
    static void trainOnce() throws Exception {
        corpus = TestCorpus.write(temp.resolve("corpus.txt"), 40, 3);
        run = temp.resolve("run");
        CommandRun r = CommandRun.of(args(corpus, "--run-dir", run.toString(), "--steps", "4", "--checkpoint-every", "2",
                "--eval-every", "2"));
        assertThat(r.exitCode()).as(r.err()).isZero();
    }

    static String[] args(Path corpus, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--corpus", corpus.toString(), "--preset", "tiny", "--vocab-size", "200",
                "--batch-size", "4", "--seq", "32", "--eval-batches", "1", "--threads", "1", "--no-export"));
        a.addAll(Arrays.asList(extra));
        return a.toArray(String[]::new);
    }

    private static void assertOneLine(CommandRun r, int exitCode) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(exitCode);
        assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
        assertThat(r.err()).doesNotContain("\tat ");
    }

    @Test
    void aThreeSentenceCorpusFailsBeforeTheFirstStepNamingTheValidationFraction() throws Exception {
        Path tiny = Files.writeString(temp.resolve("three.txt"), "The council adopts the budget.\nThe commission welcomes it.\n"
                + "Our committee rejects this report.\n");
        for (String objective : List.of("mlm", "clm")) {
            Path dir = temp.resolve("tiny-" + objective);
            CommandRun r = CommandRun.of("train", "--corpus", tiny.toString(), "--objective", objective, "--preset", "tiny",
                    "--vocab-size", "300", "--batch-size", "4", "--seq", "32", "--steps", "50", "--eval-every", "20", "--threads", "1",
                    "--run-dir", dir.toString());

            assertOneLine(r, 2);
            assertThat(r.err()).as(objective).contains("--validation-fraction").contains("1 documents").contains("needs about");
            assertThat(dir.resolve("checkpoints")).doesNotExist();
            assertThat(dir.resolve("metrics.jsonl")).doesNotExist();
        }
    }

    @Test
    void aDamagedNewestCheckpointSuggestsFallBackWhichContinuesFromTheIntactOne() throws Exception {
        Path copy = temp.resolve("fall-back");
        copyTree(run, copy);
        flipAByte(copy.resolve("checkpoints/step-00000004/tensors.bin"));

        CommandRun refused = CommandRun.of("resume", "--run-dir", copy.toString(), "--steps", "6", "--no-export");

        assertOneLine(refused, 1);
        assertThat(refused.err()).contains("step-00000004").contains("The older checkpoint step-00000002 is intact")
                .contains("'resume --run-dir " + copy.toAbsolutePath().normalize() + " --fall-back'");

        CommandRun resumed = CommandRun.of("resume", "--run-dir", copy.toString(), "--steps", "6", "--no-export", "--fall-back");

        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(copy.resolve("checkpoints/step-00000006")).isDirectory();
        try (var names = Files.list(copy.resolve("checkpoints"))) {
            assertThat(names.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("damaged-step-00000004-"));
        }
    }

    @Test
    void whenEveryCheckpointIsTruncatedNoOlderOneIsPromised() throws Exception {
        Path copy = temp.resolve("all-truncated");
        copyTree(run, copy);
        for (String step : List.of("step-00000002", "step-00000004")) {
            Path tensors = copy.resolve("checkpoints").resolve(step).resolve("tensors.bin");
            try (RandomAccessFile f = new RandomAccessFile(tensors.toFile(), "rw")) {
                f.setLength(f.length() / 2);
            }
        }

        CommandRun r = CommandRun.of("resume", "--run-dir", copy.toString(), "--steps", "6", "--no-export");

        assertOneLine(r, 1);
        assertThat(r.err()).contains("truncated").contains("No older checkpoint is intact").contains("cannot continue")
                .doesNotContain("--fall-back").doesNotContain("An older checkpoint exists");
    }

    @Test
    void reExportingKeepsTheFilesAUserAdded() throws Exception {
        Path out = temp.resolve("export");
        CommandRun first = CommandRun.of("export", "--run-dir", run.toString(), "--output", out.toString());
        assertThat(first.exitCode()).as(first.err()).isZero();
        Files.writeString(out.resolve("README.md"), "# model card\n");
        Files.write(out.resolve("onnx/model_quantized.onnx"), new byte[] {7});

        CommandRun second = CommandRun.of("export", "--run-dir", run.toString(), "--output", out.toString());

        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(out.resolve("README.md")).hasContent("# model card");
        assertThat(out.resolve("onnx/model_quantized.onnx")).hasBinaryContent(new byte[] {7});
        assertThat(out.resolve("onnx/model.onnx")).isRegularFile();
    }

    @Test
    void anEditedTokenizerIsCaughtByItsChecksum() throws Exception {
        Path copy = temp.resolve("edited-tokenizer");
        copyTree(run, copy);
        assertThat(copy.resolve("tokenizer.json.sha256")).content().matches("[0-9a-f]{64}  tokenizer\\.json\\n");
        Path tokenizer = copy.resolve("tokenizer.json");
        Files.writeString(tokenizer, Files.readString(tokenizer).replace("\"[UNK]\"", "\"[UNKNOWN]\""));

        CommandRun r = CommandRun.of("resume", "--run-dir", copy.toString(), "--steps", "6", "--no-export");

        assertOneLine(r, 1);
        assertThat(r.err()).contains("tokenizer.json does not match its checksum").contains("restore it");
    }

    private static void flipAByte(Path file) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(f.length() / 2);
            int b = f.read();
            f.seek(f.length() / 2);
            f.write(b ^ 0xFF);
        }
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (var files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}

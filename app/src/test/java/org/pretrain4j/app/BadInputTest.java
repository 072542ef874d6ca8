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

/** Mistakes at the command line: each is one line naming the option, file or property, with exit code 2 or 1. */
final class BadInputTest {
    @TempDir
    static Path temp;
    static Path corpus;
    static Path run;

    /** A tiny mlm+nsp run that the checkpoint and export cases start from. */
    @BeforeAll
    static void trainOnce() throws Exception {
        corpus = TestCorpus.write(temp.resolve("corpus.txt"), 40, 3);
        run = temp.resolve("run");
        CommandRun r = CommandRun.of(args("--run-dir", run.toString(), "--steps", "4", "--checkpoint-every", "2", "--eval-every", "2"));
        assertThat(r.exitCode()).as(r.err()).isZero();
    }

    /** A fast tiny training command line on the test corpus, plus {@code extra}. */
    static String[] args(String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--corpus", corpus.toString(), "--preset", "tiny", "--vocab-size", "200",
                "--batch-size", "4", "--seq", "32", "--eval-batches", "1", "--threads", "1",
                "--validation-fraction", "0.1", "--no-export"));
        a.addAll(Arrays.asList(extra));
        return a.toArray(String[]::new);
    }

    private static void assertOneLine(CommandRun r, int exitCode, String... fragments) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(exitCode);
        String err = r.err().strip();
        assertThat(err.lines()).as(err).hasSize(1);
        assertThat(err).startsWith("error: ").doesNotContain("\tat ").doesNotContain("Exception");
        for (String f : fragments) {
            assertThat(err).contains(f);
        }
    }

    @Test
    void unknownObjectiveListsTheAvailableOnes() {
        assertOneLine(CommandRun.of(args("--objective", "mlx", "--run-dir", temp.resolve("a").toString())), 2,
                "Unknown objective 'mlx'. Available: [clm, mlm, nsp, sop]. Add the jar that provides it to --plugins.");
    }

    @Test
    void unknownMaskingStrategyListsTheAvailableOnes() {
        assertOneLine(CommandRun.of(args("--objective", "mlm", "--property", "mlm.strategy=nope", "--run-dir",
                temp.resolve("b").toString())), 2, "Unknown masking strategy 'nope'", "[bert, span, whole-word]");
    }

    @Test
    void unknownPropertyIsNamed() {
        assertOneLine(CommandRun.of(args("--objective", "mlm+nsp", "--property", "mlm.colour=red", "--run-dir",
                temp.resolve("c").toString())), 2, "'mlm.colour'");
        assertOneLine(CommandRun.of(args("--property", "xyz.rate=1", "--run-dir", temp.resolve("c2").toString())), 2,
                "'xyz.rate'", "'xyz' is neither an objective");
    }

    @Test
    void incompatibleObjectivesSayWhy() {
        assertOneLine(CommandRun.of(args("--objective", "clm+mlm", "--run-dir", temp.resolve("d").toString())), 2,
                "clm+mlm", "attention");
    }

    @Test
    void aCausalObjectiveWithoutEndOfTextFailsBeforeTraining() {
        Path dir = temp.resolve("clm-wordpiece");
        assertOneLine(CommandRun.of(args("--objective", "clm", "--tokenizer-type", "wordpiece", "--steps", "2", "--run-dir",
                dir.toString())), 2, "--tokenizer-type", "end-of-text", "wordpiece has none");
        assertThat(dir.resolve("checkpoints")).doesNotExist();
    }

    @Test
    void aMissingCorpusIsNamed() {
        Path missing = temp.resolve("no-such-corpus.txt");
        CommandRun r = CommandRun.of("train", "--corpus", missing.toString(), "--steps", "2", "--run-dir", temp.resolve("e").toString());
        assertOneLine(r, 2, "--corpus", missing.toString());
    }

    @Test
    void anExportFolderThatCannotBeWrittenIsNamed() throws Exception {
        Path file = Files.writeString(temp.resolve("a-file"), "not a folder");
        assertOneLine(CommandRun.of("export", "--run-dir", run.toString(), "--output", file.resolve("export").toString()), 2,
                "--output", "a-file", "is not a folder");
        assertOneLine(CommandRun.of("export", "--run-dir", run.toString(), "--output", file.toString()), 2,
                "--output", "is a file");
        Path full = Files.createDirectories(temp.resolve("full"));
        Files.writeString(full.resolve("notes.txt"), "mine");
        assertOneLine(CommandRun.of("export", "--run-dir", run.toString(), "--output", full.toString()), 2,
                "--output", "is not empty");
    }

    @Test
    void resumingFromADamagedCheckpointNamesTheFileAndWhy() throws Exception {
        Path copy = temp.resolve("damaged-run");
        copyTree(run, copy);
        Path tensors = copy.resolve("checkpoints").resolve("step-00000004").resolve("tensors.bin");
        try (RandomAccessFile f = new RandomAccessFile(tensors.toFile(), "rw")) {
            f.seek(f.length() / 2);
            int b = f.read();
            f.seek(f.length() / 2);
            f.write(b ^ 0xFF);
        }

        CommandRun r = CommandRun.of("resume", "--run-dir", copy.toString(), "--steps", "6", "--no-export");

        assertOneLine(r, 1, "tensors.bin", "step-00000004");
        assertThat(r.err().toLowerCase()).containsAnyOf("crc", "checksum");
    }

    @Test
    void aSequenceLongerThanThePresetsPositionsFailsInsteadOfGrowingTheModel() {
        Path dir = temp.resolve("long-seq");
        assertOneLine(CommandRun.of("train", "--corpus", corpus.toString(), "--preset", "tiny", "--vocab-size", "200", "--seq", "1024",
                "--steps", "2", "--threads", "1", "--no-export", "--run-dir", dir.toString()), 2,
                "--seq: 1024 is more than the 512 positions of preset tiny");
        assertThat(dir.resolve("checkpoints")).doesNotExist();
    }

    @Test
    void aBadOptionValueIsOneLinePointingToHelp() {
        CommandRun r = CommandRun.of("train", "--steps", "many");
        assertOneLine(r, 2, "--steps", "'many'", "(see 'pretrain4j train --help')");
        assertThat(r.err()).doesNotContain("Usage:");
        assertOneLine(CommandRun.of("resume", "--run-dir", "x", "--no-such-option"), 2, "--no-such-option", "(see 'pretrain4j resume --help')");
        assertOneLine(CommandRun.of("export", "--run-dir", "x"), 2, "--output", "(see 'pretrain4j export --help')");
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

package org.pretrain4j.app.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** A small deterministic corpus in google-BERT format (a sentence per line, a blank line between documents). */
public final class TestCorpus {
    private static final String[] SUBJECTS = {"the council", "our committee", "the commission", "this parliament", "the member states",
        "the rapporteur", "my group", "the presidency"};
    private static final String[] VERBS = {"supports", "rejects", "welcomes", "discusses", "examines", "amends", "adopts", "questions"};
    private static final String[] OBJECTS = {"the proposal", "this report", "the budget", "our resolution", "the directive",
        "the agreement", "these amendments", "the regulation"};
    private static final String[] ENDINGS = {"today", "with great interest", "after a long debate", "without delay",
        "in the plenary", "for the citizens"};

    private TestCorpus() {}

    /** Writes {@code documents} documents of 4 to 8 sentences to {@code file}; the same arguments give the same file. */
    public static Path write(Path file, int documents, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        List<String> lines = new ArrayList<>();
        for (int d = 0; d < documents; d++) {
            int sentences = 4 + random.nextInt(5);
            for (int s = 0; s < sentences; s++) {
                lines.add(capitalise(pick(SUBJECTS, random)) + " " + pick(VERBS, random) + " " + pick(OBJECTS, random) + " "
                        + pick(ENDINGS, random) + ".");
            }
            lines.add("");
        }
        Files.write(file, lines);
        return file;
    }

    private static String pick(String[] words, SplittableRandom random) {
        return words[random.nextInt(words.length)];
    }

    private static String capitalise(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}

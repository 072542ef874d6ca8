package org.pretrain4j.data.prepared;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.pretrain4j.data.Corpora;
import org.pretrain4j.data.Corpus;
import org.pretrain4j.data.CorpusOptions;
import org.pretrain4j.data.Document;
import org.pretrain4j.data.DocumentReader;
import org.pretrain4j.data.SampleCorpus;

/** A small real corpus in BERT format, with the documents that make preparation's edge cases. */
final class PreparedFixtures {
    private PreparedFixtures() {
    }

    /**
     * Writes {@code documents} documents of the built-in sample, one sentence per line, blank lines
     * between documents, into {@code folder}/corpus.txt; document 3 is only a control character (text,
     * but no tokens), which must keep its place in the document index.
     */
    static Path writeCorpus(Path folder, int documents) throws IOException {
        List<String> lines = new ArrayList<>();
        try (DocumentReader reader = SampleCorpus.english().open()) {
            int n = 0;
            while (reader.hasNext() && n < documents) {
                Document d = reader.next();
                if (n == 3) {
                    lines.add("\u0001");
                    lines.add("");
                    n++;
                }
                lines.addAll(d.sentences());
                lines.add("");
                n++;
            }
        }
        Path file = folder.resolve("corpus.txt");
        Files.write(file, lines, StandardCharsets.UTF_8);
        return file;
    }

    static Corpus corpus(Path file) {
        return Corpora.open(file.toString(), CorpusOptions.defaults());
    }
}

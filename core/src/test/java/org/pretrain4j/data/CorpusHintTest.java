package org.pretrain4j.data;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Corpus errors name the right line and advise only what a user can do (no options that do not exist). */
final class CorpusHintTest {
    @Test
    void aTruncatedGzipNamesTheLineAfterTheLastCompleteOne(@TempDir Path dir) throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= 400; i++) {
            text.append("Sentence number ").append(i).append(" of a long and varied corpus ").append(i * 7919 % 1000).append(".\n");
            if (i % 5 == 0) {
                text.append('\n');
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.toString().getBytes(StandardCharsets.UTF_8));
        }
        byte[] whole = bytes.toByteArray();
        Path file = Files.write(dir.resolve("cut.txt.gz"), Arrays.copyOf(whole, whole.length * 2 / 3));
        FileCorpus corpus = Corpora.open(file.toString(), CorpusOptions.defaults());

        assertThatThrownBy(() -> CorpusReadersTest.readAll(corpus))
                .isInstanceOf(CorpusException.class)
                .hasMessageContaining("cut.txt.gz line ")
                .hasMessageContaining("damaged or cut short")
                .satisfies(e -> {
                    String m = e.getMessage();
                    long line = Long.parseLong(m.substring(m.indexOf(" line ") + 6, m.indexOf(':', m.indexOf(" line "))));
                    org.assertj.core.api.Assertions.assertThat(line).as(m).isGreaterThan(100);
                });
    }

    @Test
    void invalidUtf8AdvisesConvertingTheFileAndNamesNoOption(@TempDir Path dir) throws IOException {
        Path file = Files.write(dir.resolve("latin1.txt"), "caf\u00e9 au lait.\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> CorpusReadersTest.readAll(Corpora.open(file.toString(), CorpusOptions.defaults())))
                .hasMessageContaining("invalid UTF-8")
                .hasMessageContaining("convert it")
                .hasMessageNotContaining("replacement")
                .hasMessageNotContaining("--");
    }

    @Test
    void aTooLongLineAdvisesSplittingAndNamesNoOption(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("huge.txt"), "a".repeat(CorpusOptions.DEFAULT_MAX_LINE_CHARS + 10) + "\n");
        assertThatThrownBy(() -> CorpusReadersTest.readAll(Corpora.open(file.toString(), CorpusOptions.defaults())))
                .hasMessageContaining("line longer than")
                .hasMessageContaining("split the text into shorter lines")
                .hasMessageNotContaining("raise the maximum");
    }
}

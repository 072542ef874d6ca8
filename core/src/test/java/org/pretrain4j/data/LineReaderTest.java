package org.pretrain4j.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

final class LineReaderTest {
    static List<String> lines(byte[] bytes, int chunk) throws IOException {
        // An input stream that returns at most `chunk` bytes per read: characters straddle every boundary.
        InputStream in = new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, chunk));
            }
        };
        List<String> out = new ArrayList<>();
        try (LineReader r = new LineReader(in, "mem", false, 1000)) {
            String line;
            while ((line = r.readLine()) != null) {
                out.add(line);
            }
        }
        return out;
    }

    @Test
    void multiByteCharactersSurviveEveryReadBoundary() throws IOException {
        StringBuilder sb = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            String line = "é東😀" + i + "ß";
            expected.add(line);
            sb.append(line).append(i % 3 == 0 ? "\r\n" : "\n");
        }
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        for (int chunk : new int[] {1, 3, 7, 65536}) {
            assertThat(lines(bytes, chunk)).isEqualTo(expected);
        }
    }

    @Test
    void lastLineWithoutNewlineAndEmptyInput() throws IOException {
        assertThat(lines("a\n\nb".getBytes(StandardCharsets.UTF_8), 2)).containsExactly("a", "", "b");
        assertThat(lines(new byte[0], 2)).isEmpty();
        assertThat(lines("\n".getBytes(StandardCharsets.UTF_8), 2)).containsExactly("");
    }

    @Test
    void truncatedSequenceAtTheEndIsReportedWithItsOffset() {
        byte[] bytes = {'o', 'k', '\n', 'x', (byte) 0xE6, (byte) 0x9D};
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> lines(bytes, 4)).isInstanceOf(CorpusException.class)
                .hasMessageContaining("mem line 2: invalid UTF-8 at byte offset 4");
    }

    @Test
    void sentencesOfACorpusStreamInOrder() {
        Corpus c = Corpus.of("m", List.of(new Document("a", List.of("one", "two")), new Document("b", List.of("three"))));
        List<String> all = new ArrayList<>();
        c.sentences().forEach(all::add);
        assertThat(all).containsExactly("one", "two", "three");
    }
}

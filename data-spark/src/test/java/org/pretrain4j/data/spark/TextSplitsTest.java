package org.pretrain4j.data.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pretrain4j.data.Corpora;
import org.pretrain4j.data.CorpusException;
import org.pretrain4j.data.CorpusOptions;
import org.pretrain4j.data.DocumentReader;

/**
 * Split pieces of one file, read one by one as tasks read them, against one reader of the whole file:
 * at every split size the pieces give the same documents in the same order, each exactly once. No
 * Spark here: the pieces are planned and read as the job plans and reads them.
 */
final class TextSplitsTest {
    private static final Configuration CONF = new Configuration();

    @TempDir
    Path temp;

    /** BERT text with the cases that move a boundary: empty documents, whitespace-only and Unicode-space lines, no final newline. */
    static String bert(String newline) {
        return String.join(newline, "", "First sentence of the first document.", "Second, with an accent: déjà vu.", "", "",
                "Third document after an empty one.", "  \t ", "日本語の文。", "\u3000", "\u00a0", "A document after a non-breaking space.",
                "", "Long " + "words ".repeat(40) + "end.", "More.", "", "Last document without a final newline.");
    }

    static String jsonl(String newline) {
        return String.join(newline, "{\"text\": \"One. Two.\"}", "", "{\"text\": \"Trois phrases. Déjà. Vu.\"}",
                "{\"text\": \"" + "long ".repeat(50) + "line.\"}", "{\"text\": \"Last.\"}") + newline;
    }

    static String europarl(String newline) {
        return String.join(newline, "title\tdate\tFirst body. Two sentences.", "t\td\tSecond body.", "", "t\td\t" + "Long ".repeat(30) + "body.",
                "t\td\tLast body.");
    }

    Path write(String name, String text) throws IOException {
        Path file = temp.resolve(name);
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    static List<List<String>> whole(Path file, CorpusOptions options) {
        List<List<String>> out = new ArrayList<>();
        try (DocumentReader r = Corpora.open(file.toString(), options).open()) {
            r.forEachRemaining(d -> out.add(d.sentences()));
        }
        return out;
    }

    /** The documents of each piece of {@code file} at {@code splitBytes}, each piece read on its own as one task would. */
    static List<List<List<String>>> pieces(Path file, CorpusOptions options, long splitBytes) {
        List<List<List<String>>> out = new ArrayList<>();
        for (TextSplits.Piece piece : SparkInputs.pieces(CONF, SparkInputs.list(CONF, file.toString()), options, splitBytes)) {
            List<List<String>> documents = new ArrayList<>();
            try (DocumentReader r = SparkInputs.files(List.of(piece).iterator(), CONF, options)) {
                r.forEachRemaining(d -> documents.add(d.sentences()));
            }
            out.add(documents);
        }
        return out;
    }

    static List<List<String>> concatenated(List<List<List<String>>> pieces) {
        List<List<String>> out = new ArrayList<>();
        pieces.forEach(out::addAll);
        return out;
    }

    void assertEverySplitSizeReadsTheSameDocuments(Path file, CorpusOptions options) throws IOException {
        List<List<String>> expected = whole(file, options);
        assertThat(expected).hasSizeGreaterThan(3);
        long length = Files.size(file);
        for (long split = 1; split <= length; split++) {
            List<List<List<String>>> pieces = pieces(file, options, split);
            assertThat(pieces).as("split size " + split).hasSize((int) ((length + split - 1) / split));
            assertThat(concatenated(pieces)).as("split size " + split).isEqualTo(expected);
        }
    }

    @Test
    void bertTextSplitsAtBlankLinesAtEverySplitSize() throws IOException {
        assertEverySplitSizeReadsTheSameDocuments(write("lf.txt", bert("\n")), SparkInputs.options("auto", "text"));
        assertEverySplitSizeReadsTheSameDocuments(write("crlf.txt", bert("\r\n")), SparkInputs.options("auto", "text"));
    }

    @Test
    void paragraphTextSplitsAtBlankLinesAtEverySplitSize() throws IOException {
        assertEverySplitSizeReadsTheSameDocuments(write("paragraphs.txt", bert("\r\n")), SparkInputs.options("text", "text"));
    }

    @Test
    void jsonLinesAndEuroparlLinesSplitAtNewlinesAtEverySplitSize() throws IOException {
        assertEverySplitSizeReadsTheSameDocuments(write("lf.jsonl", jsonl("\n")), SparkInputs.options("auto", "text"));
        assertEverySplitSizeReadsTheSameDocuments(write("crlf.jsonl", jsonl("\r\n")), SparkInputs.options("auto", "text"));
        assertEverySplitSizeReadsTheSameDocuments(write("europarl.txt", europarl("\n")), SparkInputs.options("europarl", "text"));
    }

    @Test
    void aLineStartingExactlyAtASplitOffsetBelongsToTheSplitItStartsIn() throws IOException {
        Path file = write("three.jsonl", "{\"text\": \"One.\"}\n{\"text\": \"Two.\"}\n{\"text\": \"Three.\"}\n");
        long second = "{\"text\": \"One.\"}\n".length();
        List<List<List<String>>> pieces = pieces(file, SparkInputs.options("auto", "text"), second);
        assertThat(pieces.get(0)).containsExactly(List.of("One."));
        assertThat(pieces.get(1)).containsExactly(List.of("Two."));
        assertThat(concatenated(pieces)).containsExactly(List.of("One."), List.of("Two."), List.of("Three."));
    }

    @Test
    void aDocumentFollowsTheSplitItsBlankLineStartsIn() throws IOException {
        Path file = write("docs.txt", "A one.\nA two.\n\nB one.\n\nC one.\n");
        CorpusOptions options = SparkInputs.options("auto", "text");
        long blank = "A one.\nA two.\n".length();
        // The blank line starts exactly at the split offset: the next split begins with B.
        List<List<List<String>>> atBlank = pieces(file, options, blank);
        assertThat(atBlank.get(0)).containsExactly(List.of("A one.", "A two."));
        assertThat(atBlank.get(1)).containsExactly(List.of("B one."), List.of("C one."));
        // B starts exactly at the split offset, but its blank line started in the split before: B is read there.
        List<List<List<String>>> atB = pieces(file, options, blank + 1);
        assertThat(atB.get(0)).containsExactly(List.of("A one.", "A two."), List.of("B one."));
        assertThat(atB.get(1)).containsExactly(List.of("C one."));
    }

    @Test
    void aDocumentSpanningSeveralSplitsIsReadWholeByTheFirst() throws IOException {
        List<String> longDocument = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            longDocument.add("Sentence number " + i + " of the long document.");
        }
        Path file = write("long.txt", "Short one.\n\n" + String.join("\n", longDocument) + "\n\nShort two.\n");
        List<List<List<String>>> pieces = pieces(file, SparkInputs.options("auto", "text"), 100);
        assertThat(pieces).hasSizeGreaterThan(10);
        assertThat(pieces.get(0)).containsExactly(List.of("Short one."), longDocument);
        for (List<List<String>> middle : pieces.subList(1, pieces.size() - 2)) {
            assertThat(middle).isEmpty();
        }
        assertThat(concatenated(pieces)).containsExactly(List.of("Short one."), longDocument, List.of("Short two."));
    }

    @Test
    void gzipDoesNotSplit() throws IOException {
        Path named = temp.resolve("big.txt.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(named))) {
            out.write(bert("\n").repeat(20).getBytes(StandardCharsets.UTF_8));
        }
        // Gzip is found by its magic bytes too, as core's readers find it.
        Path unnamed = Files.copy(named, temp.resolve("compressed.txt"));
        CorpusOptions options = SparkInputs.options("auto", "text");
        for (Path f : List.of(named, unnamed)) {
            assertThat(Files.size(f)).isGreaterThan(64);
            List<TextSplits.Piece> pieces = SparkInputs.pieces(CONF, SparkInputs.list(CONF, f.toString()), options, 64);
            assertThat(pieces).as(f.toString()).singleElement().satisfies(p -> assertThat(p.whole()).isTrue());
            assertThat(concatenated(pieces(f, options, 64))).hasSize(whole(f, options).size()).isEqualTo(whole(f, options));
        }
    }

    @Test
    void aBadLineInASplitNamesTheFileAndWhereTheSplitStarts() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            text.append("{\"text\": \"Document ").append(i).append(".\"}\n");
        }
        text.append("{\"text\": broken}\n");
        Path file = write("bad.jsonl", text.toString());
        assertThatThrownBy(() -> pieces(file, SparkInputs.options("auto", "text"), 200)).isInstanceOf(CorpusException.class)
                .hasMessageContaining(file.getFileName().toString()).hasMessageContaining("(split from byte ")
                .hasMessageContaining("invalid JSON");
    }

    @Test
    void blankLinesAreWhitespaceOnlyAsStripDecides() {
        for (String line : List.of("", " ", "\t\r", "\u3000", "\u2003 \u2028", "\u001c")) {
            assertThat(blank(line)).as("'" + line + "'").isEqualTo(line.strip().isEmpty()).isTrue();
        }
        for (String line : List.of("a", " x ", "\u00a0", "é", "日本", "\u3000.")) {
            assertThat(blank(line)).as("'" + line + "'").isEqualTo(line.strip().isEmpty()).isFalse();
        }
        TextSplits.BlankLine truncated = new TextSplits.BlankLine();
        truncated.add(0xE3); // the first byte of a three-byte sequence, then the line ends
        assertThat(truncated.blank()).isFalse();
    }

    static boolean blank(String line) {
        TextSplits.BlankLine b = new TextSplits.BlankLine();
        for (byte x : line.getBytes(StandardCharsets.UTF_8)) {
            b.add(x & 0xFF);
        }
        return b.blank();
    }
}

package org.pretrain4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class CorpusReadersTest {
    static List<Document> readAll(Corpus corpus) {
        try (DocumentReader r = corpus.open()) {
            List<Document> docs = new ArrayList<>();
            r.forEachRemaining(docs::add);
            return docs;
        }
    }

    static List<List<String>> sentences(Corpus corpus) {
        return readAll(corpus).stream().map(Document::sentences).collect(Collectors.toList());
    }

    @Test
    void bertFormatHasOneSentencePerLineAndBlankLinesBetweenDocuments(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("a.txt");
        Files.writeString(f, "First sentence.\r\nSecond one.\n\n\n  Third, in doc two.  \n");
        FileCorpus corpus = Corpora.open(f.toString(), CorpusOptions.defaults());
        assertThat(sentences(corpus)).containsExactly(List.of("First sentence.", "Second one."), List.of("Third, in doc two."));
        try (DocumentReader r = corpus.open()) {
            r.forEachRemaining(d -> { });
            assertThat(r.documents()).isEqualTo(2);
            assertThat(r.emptyDocuments()).isEqualTo(1);
        }
        assertThat(readAll(corpus).get(1).source()).isEqualTo("a.txt:5");
    }

    @Test
    void plainTextParagraphsAreDocumentsSplitIntoSentences(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("b.txt");
        Files.writeString(f, "Mr. J. Smith went to Washington, e.g. by train. He met\nthe President! Did he?\n\nA new paragraph here.\n");
        FileCorpus corpus = Corpora.open(f.toString(), CorpusOptions.defaults().withFormat(CorpusFormat.TEXT));
        assertThat(sentences(corpus)).containsExactly(
                List.of("Mr. J. Smith went to Washington, e.g. by train.", "He met the President!", "Did he?"), List.of("A new paragraph here."));
    }

    @Test
    void jsonLinesUseTheConfiguredFieldAndGzipIsTransparent(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("c.jsonl.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
            out.write("{\"body\": \"One. Two.\", \"id\": 1}\n{\"body\": \"\"}\n{\"body\": \"Three.\"}\n".getBytes(StandardCharsets.UTF_8));
        }
        FileCorpus corpus = Corpora.open(f.toString(), CorpusOptions.defaults().withJsonField("body"));
        assertThat(sentences(corpus)).containsExactly(List.of("One.", "Two."), List.of("Three."));
        FileCorpus wrongField = Corpora.open(f.toString(), CorpusOptions.defaults());
        assertThatThrownBy(() -> readAll(wrongField)).isInstanceOf(CorpusException.class)
                .hasMessageContaining("c.jsonl.gz line 1: no string field 'text'");
        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, "{\"text\": \"ok\"}\n{\"text\": oops}\n");
        assertThatThrownBy(() -> readAll(Corpora.open(bad.toString(), CorpusOptions.defaults())))
                .isInstanceOf(CorpusException.class).hasMessageContaining("bad.jsonl line 2: invalid JSON");
    }

    @Test
    void europarlLinesKeepTheBodySplitIntoSentences(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("e.txt");
        Files.writeString(f, "Title one\t2004-03-30\tFirst sentence here. Second one follows!\nTitle two\t1999-01-01\t   \n");
        FileCorpus corpus = Corpora.open(f.toString(), CorpusOptions.defaults().withFormat(CorpusFormat.EUROPARL));
        assertThat(sentences(corpus)).containsExactly(List.of("First sentence here.", "Second one follows!"));
        try (DocumentReader r = corpus.open()) {
            r.forEachRemaining(d -> { });
            assertThat(r.emptyDocuments()).isEqualTo(1);
        }
        assertThat(CorpusFormat.parse(" Europarl ")).isEqualTo(CorpusFormat.EUROPARL);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CorpusFormat.parse("csv"))
                .hasMessageContaining("unknown corpus format 'csv'; choose one of bert, text, jsonl, europarl");
    }

    @Test
    void foldersAndGlobsReadTextFilesInSortedOrder(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/2.txt"), "Two.\n");
        Files.writeString(dir.resolve("1.txt"), "One.\n");
        Files.writeString(dir.resolve("image.png"), "not text");
        Files.writeString(dir.resolve(".hidden.txt"), "Hidden.\n");
        assertThat(sentences(Corpora.open(dir.toString(), CorpusOptions.defaults()))).containsExactly(List.of("One."), List.of("Two."));
        assertThat(sentences(Corpora.open(dir + "/sub/*.txt", CorpusOptions.defaults()))).containsExactly(List.of("Two."));
        assertThat(sentences(Corpora.open(dir + "/**.txt", CorpusOptions.defaults()))).containsExactly(List.of("One."), List.of("Two."));
        assertThat(sentences(Corpora.open(dir + "/*.txt", CorpusOptions.defaults()))).containsExactly(List.of("One."));
    }

    @Test
    void missingFileAndFolderWithoutTextFailNamingThePath(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> Corpora.open(dir.resolve("nope.txt").toString(), CorpusOptions.defaults()))
                .isInstanceOf(CorpusException.class).hasMessageContaining("corpus file not found").hasMessageContaining("nope.txt");
        Path empty = Files.createDirectories(dir.resolve("images"));
        Files.write(empty.resolve("a.png"), new byte[] {1, 2, 3});
        assertThatThrownBy(() -> Corpora.open(empty.toString(), CorpusOptions.defaults()))
                .isInstanceOf(CorpusException.class).hasMessageContaining("contains no text files").hasMessageContaining("images");
        assertThatThrownBy(() -> Corpora.open(dir + "/*.xyz", CorpusOptions.defaults()))
                .isInstanceOf(CorpusException.class).hasMessageContaining("matches no files");
    }

    @Test
    void invalidUtf8FailsWithFileLineAndByteOffsetOrIsReplaced(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("latin1.txt");
        byte[] good = "Good line.\nCaf".getBytes(StandardCharsets.UTF_8);
        byte[] content = new byte[good.length + 3];
        System.arraycopy(good, 0, content, 0, good.length);
        content[good.length] = (byte) 0xE9; // 'é' in Latin-1: not UTF-8
        content[good.length + 1] = '.';
        content[good.length + 2] = '\n';
        Files.write(f, content);
        assertThatThrownBy(() -> readAll(Corpora.open(f.toString(), CorpusOptions.defaults())))
                .isInstanceOf(CorpusException.class)
                .hasMessageContaining("latin1.txt line 2: invalid UTF-8 at byte offset " + good.length);
        assertThat(sentences(Corpora.open(f.toString(), CorpusOptions.defaults().withReplaceMalformed(true))))
                .containsExactly(List.of("Good line.", "Caf\uFFFD."));
    }

    @Test
    void aHundredMegabyteLineFailsNamingFileAndLineWithoutFillingTheHeap(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("huge.txt");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap("short line\n".getBytes(StandardCharsets.UTF_8)));
            byte[] block = new byte[1 << 20];
            java.util.Arrays.fill(block, (byte) 'a');
            for (int i = 0; i < 100; i++) {
                ch.write(ByteBuffer.wrap(block));
            }
        }
        assertThatThrownBy(() -> readAll(Corpora.open(f.toString(), CorpusOptions.defaults())))
                .isInstanceOf(CorpusException.class)
                .hasMessageContaining("huge.txt line 2: line longer than " + CorpusOptions.DEFAULT_MAX_LINE_CHARS + " characters");
    }

    @Test
    void splitIsReproducibleDisjointAndComplete() {
        List<Document> docs = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            docs.add(new Document("d" + i, List.of("Sentence " + i + ".")));
        }
        Corpus corpus = Corpus.of("mem", docs);
        List<Document> train = readAll(corpus.split(42, 0.1, false));
        List<Document> validation = readAll(corpus.split(42, 0.1, true));
        assertThat(train.size() + validation.size()).isEqualTo(2000);
        assertThat(train).doesNotContainAnyElementsOf(validation);
        // Binomial(2000, 0.1): mean 200, sd 13.4; 5 sd either side.
        assertThat(validation.size()).isBetween(133, 267);
        assertThat(readAll(corpus.split(42, 0.1, true))).isEqualTo(validation);
        assertThat(readAll(corpus.split(43, 0.1, true))).isNotEqualTo(validation);
    }
}

package org.pretrain4j.data;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * A corpus of files read in the given order, gzip detected by its magic bytes. Streaming: only
 * the current line and document are in memory.
 */
public final class FileCorpus implements Corpus {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final List<Path> files;
    private final CorpusOptions options;

    public FileCorpus(String name, List<Path> files, CorpusOptions options) {
        this.name = requireNonNull(name, "name is null");
        this.files = List.copyOf(files);
        this.options = requireNonNull(options, "options is null");
        if (this.files.isEmpty()) {
            throw new CorpusException("corpus " + name + " has no files");
        }
    }

    /** The files, in reading order. */
    public List<Path> files() {
        return files;
    }

    @Override
    public String name() {
        return name;
    }

    /** Opens a file as a byte stream, decompressing gzip transparently; a missing file names itself. */
    static InputStream openStream(Path file) {
        try {
            return decompressed(Files.newInputStream(file), file.toString());
        } catch (NoSuchFileException e) {
            throw new CorpusException("corpus file not found: " + file, e);
        } catch (IOException e) {
            throw new CorpusException("cannot read corpus file " + file + ": " + e.getMessage(), e);
        }
    }

    /** {@code in}, gunzipped when it starts with gzip's magic bytes. */
    private static InputStream decompressed(InputStream in, String name) throws IOException {
        {
            InputStream raw = new BufferedInputStream(in, 1 << 16);
            raw.mark(2);
            int b1 = raw.read();
            int b2 = raw.read();
            raw.reset();
            if (b1 == 0x1f && b2 == 0x8b) {
                // No BufferedInputStream on top: it reads on to fill its buffer and drops what it decoded
                // when a truncated file fails, so the error could not name the line. LineReader buffers.
                return new GZIPInputStream(raw, 1 << 16);
            }
            return raw;
        }
    }

    /** One input of a reader: its full name for messages, its file name, and how to open it. */
    private record Source(String display, String fileName, Path nameForFormat, Opener opener) {
        @Override
        public String toString() {
            return display;
        }
    }

    /** Opens one input's bytes. */
    @FunctionalInterface
    private interface Opener {
        InputStream open() throws IOException;
    }

    @Override
    public DocumentReader open() {
        List<Source> sources = new ArrayList<>(files.size());
        for (Path f : files) {
            sources.add(new Source(f.toString(), String.valueOf(f.getFileName()), f, () -> openStream(f)));
        }
        return read(sources, options);
    }

    /**
     * Reads the documents of one file's bytes exactly as a FileCorpus reads each of its files (gzip
     * detected, format from {@code options} or from the name's extension): what a distributed job uses
     * on the files it holds. {@code name} is the file's full name (for messages; its last segment
     * names the documents). The stream is closed with the reader.
     */
    public static DocumentReader read(String name, InputStream in, CorpusOptions options) {
        requireNonNull(name, "name is null");
        requireNonNull(in, "in is null");
        String fileName = name.substring(name.lastIndexOf('/') + 1);
        Path forFormat;
        try {
            forFormat = Path.of(fileName.isEmpty() ? "input" : fileName);
        } catch (java.nio.file.InvalidPathException e) {
            forFormat = Path.of("input");
        }
        return read(List.of(new Source(name, fileName, forFormat, () -> decompressed(in, name))), options);
    }

    /**
     * Makes documents of whole texts as JSON Lines documents are made (paragraphs at newlines, then
     * sentences with {@code options}' locale): for (source, text) rows of other stores, such as Parquet.
     * The function is not thread-safe (it holds a sentence splitter).
     */
    public static java.util.function.BiFunction<String, String, Document> textDocuments(CorpusOptions options) {
        SentenceSplitter splitter = new SentenceSplitter(options.sentenceLocale());
        return (source, text) -> {
            List<String> sentences = new ArrayList<>();
            if (!text.isBlank()) {
                for (String paragraph : text.split("\n")) {
                    splitter.split(paragraph, sentences);
                }
            }
            return new Document(source, sentences);
        };
    }

    private static DocumentReader read(List<Source> files, CorpusOptions options) {
        return new DocumentReader() {
            private int fileIndex = -1;
            private LineReader lines;
            private Source file;
            private CorpusFormat format;
            private final SentenceSplitter splitter = new SentenceSplitter(options.sentenceLocale());

            @Override
            protected Document read() {
                try {
                    while (true) {
                        if (lines == null) {
                            if (++fileIndex >= files.size()) {
                                return null;
                            }
                            file = files.get(fileIndex);
                            format = options.format() != null ? options.format() : CorpusFormat.forFile(file.nameForFormat(), CorpusFormat.BERT);
                            lines = new LineReader(open(file), file.toString(), options.replaceMalformed(), options.maxLineChars());
                        }
                        Document d = readDocument();
                        if (d != null) {
                            return d;
                        }
                        lines.close();
                        lines = null;
                    }
                } catch (IOException e) {
                    throw new CorpusException(file + " line " + (lines == null ? 0 : lines.lineNumber() + 1) + ": " + e.getMessage(), e);
                }
            }

            /** The next document of the current file, or null at its end. */
            private Document readDocument() throws IOException {
                switch (format) {
                    case BERT:
                        return blockDocument(false);
                    case TEXT:
                        return blockDocument(true);
                    case JSONL:
                        return jsonDocument();
                    case EUROPARL:
                        return europarlDocument();
                    default:
                        throw new IllegalStateException("format " + format);
                }
            }

            private Document blockDocument(boolean paragraphs) throws IOException {
                List<String> sentences = new ArrayList<>();
                StringBuilder paragraph = new StringBuilder();
                long startLine = -1;
                String line;
                while ((line = lines.readLine()) != null) {
                    String s = line.strip();
                    if (s.isEmpty()) {
                        if (startLine < 0) {
                            startLine = lines.lineNumber();
                        }
                        break;
                    }
                    if (startLine < 0) {
                        startLine = lines.lineNumber();
                    }
                    if (paragraphs) {
                        if (paragraph.length() > 0) {
                            paragraph.append(' ');
                        }
                        paragraph.append(s);
                        if (paragraph.length() > options.maxLineChars()) {
                            throw new CorpusException(file + " line " + lines.lineNumber() + ": paragraph longer than "
                                    + options.maxLineChars() + " characters; separate paragraphs with blank lines");
                        }
                    } else {
                        sentences.add(s);
                    }
                }
                if (startLine < 0) {
                    return null;
                }
                if (paragraphs) {
                    splitter.split(paragraph.toString(), sentences);
                }
                return new Document(file.fileName() + ":" + startLine, sentences);
            }

            private Document jsonDocument() throws IOException {
                String line = lines.readLine();
                if (line == null) {
                    return null;
                }
                List<String> sentences = new ArrayList<>();
                String source = file.fileName() + ":" + lines.lineNumber();
                if (line.isBlank()) {
                    return new Document(source, sentences);
                }
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (JsonProcessingException e) {
                    throw new CorpusException(file + " line " + lines.lineNumber() + ": invalid JSON at column "
                            + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage(), e);
                }
                JsonNode text = node == null ? null : node.get(options.jsonField());
                if (text == null || !text.isTextual()) {
                    throw new CorpusException(file + " line " + lines.lineNumber() + ": no string field '" + options.jsonField()
                            + "' (set the JSON text field option)");
                }
                for (String paragraph : text.asText().split("\n")) {
                    splitter.split(paragraph, sentences);
                }
                return new Document(source, sentences);
            }

            private Document europarlDocument() throws IOException {
                String line = lines.readLine();
                if (line == null) {
                    return null;
                }
                List<String> sentences = new ArrayList<>();
                int tab = line.lastIndexOf('\t');
                splitter.split(line.substring(tab + 1), sentences);
                return new Document(file.fileName() + ":" + lines.lineNumber(), sentences);
            }

            @Override
            public void close() {
                if (lines != null) {
                    try {
                        lines.close();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    } finally {
                        lines = null;
                    }
                }
            }
        };
    }

    private static InputStream open(Source source) {
        try {
            return source.opener().open();
        } catch (CorpusException e) {
            throw e;
        } catch (IOException e) {
            throw new CorpusException("cannot read corpus file " + source + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "FileCorpus[" + name + ", " + files.size() + " files]";
    }
}

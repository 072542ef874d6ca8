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
            InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
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
        } catch (NoSuchFileException e) {
            throw new CorpusException("corpus file not found: " + file, e);
        } catch (IOException e) {
            throw new CorpusException("cannot read corpus file " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public DocumentReader open() {
        return new DocumentReader() {
            private int fileIndex = -1;
            private LineReader lines;
            private Path file;
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
                            format = options.format() != null ? options.format() : CorpusFormat.forFile(file, CorpusFormat.BERT);
                            lines = new LineReader(openStream(file), file.toString(), options.replaceMalformed(), options.maxLineChars());
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
                return new Document(file.getFileName() + ":" + startLine, sentences);
            }

            private Document jsonDocument() throws IOException {
                String line = lines.readLine();
                if (line == null) {
                    return null;
                }
                List<String> sentences = new ArrayList<>();
                String source = file.getFileName() + ":" + lines.lineNumber();
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
                return new Document(file.getFileName() + ":" + lines.lineNumber(), sentences);
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

    @Override
    public String toString() {
        return "FileCorpus[" + name + ", " + files.size() + " files]";
    }
}

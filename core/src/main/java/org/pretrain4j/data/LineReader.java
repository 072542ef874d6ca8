package org.pretrain4j.data;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads UTF-8 lines with bounded memory: a line longer than the limit fails (naming file and
 * line) instead of filling the heap, and invalid UTF-8 fails with its byte offset unless
 * replacement is asked for. Not thread-safe.
 */
final class LineReader implements Closeable {
    private final InputStream in;
    private final String name;
    private final int maxLineChars;
    private final CharsetDecoder decoder;
    private final ByteBuffer bytes = ByteBuffer.allocate(1 << 16);
    private final CharBuffer chars = CharBuffer.allocate(1 << 16);
    private final StringBuilder line = new StringBuilder();
    private long bytesBefore; // bytes consumed before the start of the buffer
    private long lineNumber;
    private boolean eof;
    private boolean flushed;
    // A read failure (a truncated gzip) waits until the lines decoded before it are read, so that it names the right line.
    private IOException pending;

    LineReader(InputStream in, String name, boolean replaceMalformed, int maxLineChars) {
        this.in = in;
        this.name = name;
        this.maxLineChars = maxLineChars;
        CodingErrorAction action = replaceMalformed ? CodingErrorAction.REPLACE : CodingErrorAction.REPORT;
        this.decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(action).onUnmappableCharacter(action);
        bytes.flip();
        chars.flip();
    }

    /** The number of the last line returned (1-based). */
    long lineNumber() {
        return lineNumber;
    }

    /** The next line without its terminator, or null at the end. */
    String readLine() throws IOException {
        line.setLength(0);
        boolean any = false;
        while (true) {
            while (chars.hasRemaining()) {
                char c = chars.get();
                any = true;
                if (c == '\n') {
                    lineNumber++;
                    int n = line.length();
                    if (n > 0 && line.charAt(n - 1) == '\r') {
                        line.setLength(n - 1);
                    }
                    return line.toString();
                }
                if (line.length() >= maxLineChars) {
                    throw new CorpusException(name + " line " + (lineNumber + 1) + ": line longer than " + maxLineChars
                            + " characters; split the text into shorter lines");
                }
                line.append(c);
            }
            if (!fill()) {
                if (pending != null) {
                    IOException failure = pending;
                    pending = null;
                    throw new CorpusException(name + " line " + (lineNumber + 1) + ": " + failure.getMessage() + " after "
                            + lineNumber + " complete lines; the file is damaged or cut short", failure);
                }
                if (!any) {
                    return null;
                }
                lineNumber++;
                int n = line.length();
                if (n > 0 && line.charAt(n - 1) == '\r') {
                    line.setLength(n - 1);
                }
                return line.toString();
            }
        }
    }

    /** Decodes more characters; false at the end of input. */
    private boolean fill() throws IOException {
        chars.clear();
        try {
            while (chars.position() == 0 && !flushed) {
                if (!eof && bytes.remaining() < 4) {
                    bytesBefore += bytes.position();
                    bytes.compact();
                    int n;
                    try {
                        n = in.read(bytes.array(), bytes.position(), bytes.remaining());
                    } catch (IOException e) {
                        pending = e;
                        n = -1;
                    }
                    if (n < 0) {
                        eof = true;
                    } else {
                        bytes.position(bytes.position() + n);
                    }
                    bytes.flip();
                }
                CoderResult r = decoder.decode(bytes, chars, eof && pending == null);
                if (r.isError()) {
                    long offset = bytesBefore + bytes.position();
                    // Decoding runs ahead of line splitting: count the line ends decoded but not yet read.
                    long line = lineNumber + 1;
                    for (int k = 0; k < chars.position(); k++) {
                        if (chars.get(k) == '\n') {
                            line++;
                        }
                    }
                    throw new CorpusException(name + " line " + line + ": invalid UTF-8 at byte offset " + offset
                            + "; corpus files must be UTF-8: convert it (e.g. iconv -f latin1 -t utf-8)");
                }
                if (eof && r.isUnderflow()) {
                    flushed = pending != null || decoder.flush(chars).isUnderflow();
                    break;
                }
            }
        } finally {
            chars.flip();
        }
        return chars.hasRemaining();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}

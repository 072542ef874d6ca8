package org.pretrain4j.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Streams the documents of a corpus once, in order, holding only the current document. Empty
 * documents are skipped and counted ({@link #emptyDocuments()}). Errors are {@link CorpusException}s
 * naming the file and line. Close it to release the files. Not thread-safe.
 */
public abstract class DocumentReader implements Iterator<Document>, AutoCloseable {
    private Document next;
    private boolean done;
    private long documents;
    private long empty;

    /** Reads the next document (possibly empty), or returns null at the end. */
    protected abstract Document read();

    @Override
    public final boolean hasNext() {
        while (next == null && !done) {
            Document d = read();
            if (d == null) {
                done = true;
            } else if (d.sentences().isEmpty()) {
                empty++;
            } else {
                next = d;
            }
        }
        return next != null;
    }

    @Override
    public final Document next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Document d = next;
        next = null;
        documents++;
        return d;
    }

    /** Non-empty documents returned so far. */
    public final long documents() {
        return documents;
    }

    /** Empty documents skipped so far (a blank paragraph, a JSON line with empty text). */
    public final long emptyDocuments() {
        return empty;
    }

    /** The remaining documents as a sequential stream that closes this reader when closed. */
    public final Stream<Document> stream() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED | Spliterator.NONNULL), false)
                .onClose(this::close);
    }

    @Override
    public abstract void close();

    /** A reader over documents already in memory. */
    public static DocumentReader of(Iterable<Document> documents) {
        Iterator<Document> it = documents.iterator();
        return new DocumentReader() {
            @Override
            protected Document read() {
                return it.hasNext() ? it.next() : null;
            }

            @Override
            public void close() {
            }
        };
    }
}

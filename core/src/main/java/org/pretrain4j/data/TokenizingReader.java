package org.pretrain4j.data;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.pretrain4j.text.Encoding;
import org.pretrain4j.text.Tokenizer;

/**
 * Tokenizes documents as they stream by, a chunk of documents at a time with
 * {@link Tokenizer#encodeBatch} (all cores). Holds at most one chunk. Not thread-safe. This is the one
 * place text becomes token ids, for training and for preparing datasets alike, so that both see the
 * same ids.
 */
public final class TokenizingReader implements TokenizedReader {
    private static final int CHUNK_SENTENCES = 4096;

    private final Corpus corpus;
    private final DocumentReader documents;
    private final Tokenizer tokenizer;
    private final boolean keepEmpty;
    private final ArrayDeque<TokenizedDocument> ready = new ArrayDeque<>();
    private final boolean spaceMatters;

    /**
     * Reads {@code corpus}; with {@code keepEmpty} a document whose sentences all tokenize to nothing is
     * returned with no sentences instead of skipped (a prepared dataset stores it, so that document
     * indices, and with them the held-out split, stay those of the text).
     */
    public TokenizingReader(Corpus corpus, Tokenizer tokenizer, boolean keepEmpty) {
        this.corpus = corpus;
        this.documents = corpus.open();
        this.tokenizer = tokenizer;
        this.keepEmpty = keepEmpty;
        // Byte-level BPE encodes the space before a word: a document's later sentences follow a
        // space, as in running text, or a model learns "report.The" and generates it.
        this.spaceMatters = tokenizer.kind() == Tokenizer.Kind.BYTE_LEVEL_BPE;
    }

    /** The next document with at least one non-empty sentence (or any document with keepEmpty), or null at the end. */
    @Override
    public TokenizedDocument next() {
        while (ready.isEmpty()) {
            if (!documents.hasNext()) {
                return null;
            }
            List<Document> chunk = new ArrayList<>();
            List<String> sentences = new ArrayList<>();
            while (sentences.size() < CHUNK_SENTENCES && documents.hasNext()) {
                Document d = documents.next();
                chunk.add(d);
                for (int s = 0; s < d.sentences().size(); s++) {
                    sentences.add(s > 0 && spaceMatters ? " " + d.sentences().get(s) : d.sentences().get(s));
                }
            }
            List<Encoding> encodings = tokenizer.encodeBatch(sentences);
            int k = 0;
            for (Document d : chunk) {
                List<int[]> ids = new ArrayList<>();
                List<boolean[]> starts = new ArrayList<>();
                for (int s = 0; s < d.sentences().size(); s++, k++) {
                    Encoding e = encodings.get(k);
                    if (e.length() > 0) {
                        ids.add(e.ids());
                        starts.add(e.wordStarts());
                    }
                }
                if (!ids.isEmpty() || keepEmpty) {
                    ready.add(new TokenizedDocument(d.source(), ids.toArray(new int[0][]), starts.toArray(new boolean[0][])));
                }
            }
        }
        return ready.poll();
    }

    /** Documents read so far (with text, before tokenization). */
    public long documentsRead() {
        return documents.documents();
    }

    @Override
    public CorpusException nothingRead() {
        return new CorpusException("corpus " + corpus.name() + " produced no examples: " + documents.documents()
                + " non-empty documents, " + documents.emptyDocuments() + " empty documents skipped");
    }

    @Override
    public void close() {
        documents.close();
    }
}

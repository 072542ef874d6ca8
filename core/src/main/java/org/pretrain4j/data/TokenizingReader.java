package org.pretrain4j.data;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.pretrain4j.text.Encoding;
import org.pretrain4j.text.Tokenizer;

/**
 * Tokenizes documents as they stream by, a chunk of documents at a time with
 * {@link Tokenizer#encodeBatch} (all cores). Holds at most one chunk. Not thread-safe.
 */
final class TokenizingReader implements AutoCloseable {
    private static final int CHUNK_SENTENCES = 4096;

    private final DocumentReader documents;
    private final Tokenizer tokenizer;
    private final ArrayDeque<TokenizedDocument> ready = new ArrayDeque<>();
    private final boolean spaceMatters;

    TokenizingReader(DocumentReader documents, Tokenizer tokenizer) {
        this.documents = documents;
        this.tokenizer = tokenizer;
        // Byte-level BPE encodes the space before a word: a document's later sentences follow a
        // space, as in running text, or a model learns "report.The" and generates it.
        this.spaceMatters = tokenizer.kind() == Tokenizer.Kind.BYTE_LEVEL_BPE;
    }

    /** The next document with at least one non-empty sentence, or null at the end. */
    TokenizedDocument next() {
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
                if (!ids.isEmpty()) {
                    ready.add(new TokenizedDocument(d.source(), ids.toArray(new int[0][]), starts.toArray(new boolean[0][])));
                }
            }
        }
        return ready.poll();
    }

    DocumentReader documents() {
        return documents;
    }

    /** The failure for a pass that produced nothing: names the corpus and what was skipped. */
    static CorpusException nothingIn(Corpus corpus, DocumentReader documents) {
        return new CorpusException("corpus " + corpus.name() + " produced no examples: " + documents.documents()
                + " non-empty documents, " + documents.emptyDocuments() + " empty documents skipped");
    }

    @Override
    public void close() {
        documents.close();
    }
}

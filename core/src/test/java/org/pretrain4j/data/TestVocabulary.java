package org.pretrain4j.data;

import java.util.ArrayList;
import java.util.List;
import org.pretrain4j.text.WordPieceTokenizer;

/** A WordPiece vocabulary whose words name their document: "d3w7" is word 7 of document 3. */
final class TestVocabulary {
    static final int DOCUMENTS = 40;
    static final int WORDS = 60;

    private TestVocabulary() {
    }

    static WordPieceTokenizer tokenizer() {
        List<String> vocab = new ArrayList<>(WordPieceTokenizer.DEFAULT_SPECIALS);
        for (int d = 0; d < DOCUMENTS; d++) {
            for (int w = 0; w < WORDS; w++) {
                vocab.add("d" + d + "w" + w);
            }
        }
        return WordPieceTokenizer.fromVocabularyLines(vocab, true, true);
    }

    /** The document a word token belongs to. */
    static int documentOf(WordPieceTokenizer t, int id) {
        String token = t.idToToken(id);
        return Integer.parseInt(token.substring(1, token.indexOf('w')));
    }

    /** Document d with sentences of the given lengths, words numbered in order. */
    static Document document(int d, int... lengths) {
        List<String> sentences = new ArrayList<>();
        int w = 0;
        for (int n : lengths) {
            StringBuilder sb = new StringBuilder();
            for (int k = 0; k < n; k++) {
                sb.append(k == 0 ? "" : " ").append("d").append(d).append("w").append(w++);
            }
            sentences.add(sb.toString());
        }
        return new Document("doc" + d, sentences);
    }
}

package org.pretrain4j.backend.onnx.export;

import java.util.ArrayList;
import java.util.List;
import org.pretrain4j.text.BpeTrainer;
import org.pretrain4j.text.ByteLevelBpeTokenizer;
import org.pretrain4j.text.WordPieceTokenizer;
import org.pretrain4j.text.WordPieceTrainer;

/** Real tokenizers trained by the text module on a small corpus, for the interop tests. */
final class TrainedTokenizers {
    static final List<String> SENTENCES = List.of(
            "The cat sat on the mat.", "The dog ran in the park.", "A small house stood near the big tree.",
            "She was reading a book about the sea.", "He walked to the station and took the train.",
            "The weather was cold and the sky was grey.", "Children played in the garden all afternoon.",
            "The market sells fresh bread, fruit and fish.", "They talked about the future of the city.",
            "It rained on the day of the parade!", "Is the museum open on Sunday?", "The river runs through the valley.");

    private TrainedTokenizers() {}

    static List<String> corpus() {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            texts.addAll(SENTENCES);
        }
        return texts;
    }

    static WordPieceTokenizer wordPiece() {
        return WordPieceTrainer.train(corpus(), WordPieceTrainer.Options.of(150));
    }

    static ByteLevelBpeTokenizer bytePairs() {
        return BpeTrainer.train(corpus(), BpeTrainer.Options.of(300));
    }
}

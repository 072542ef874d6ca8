package org.pretrain4j.backend.onnx.bench;

import java.nio.file.Path;
import java.util.List;
import org.pretrain4j.text.Encoding;
import org.pretrain4j.text.SpecialTokens;
import org.pretrain4j.text.Tokenizer;

/**
 * A vocabulary of numbered tokens with BERT's special tokens at 0..4 (encoders) or an end-of-text
 * token at the last id (decoders): what objectives need to prepare benchmark batches of random
 * token ids. It cannot encode text.
 */
final class SyntheticTokenizer implements Tokenizer {
    private final int size;
    private final boolean causal;

    SyntheticTokenizer(int size, boolean causal) {
        if (size < 8) {
            throw new IllegalArgumentException("vocabulary too small for a benchmark: " + size);
        }
        this.size = size;
        this.causal = causal;
    }

    /** The first id that is not special. */
    int firstOrdinary() {
        return causal ? 0 : 5;
    }

    /** One past the last id that is not special. */
    int endOrdinary() {
        return causal ? size - 1 : size;
    }

    @Override
    public Kind kind() {
        return causal ? Kind.BYTE_LEVEL_BPE : Kind.WORDPIECE;
    }

    @Override
    public int vocabularySize() {
        return size;
    }

    @Override
    public SpecialTokens specialTokens() {
        return causal ? new SpecialTokens(size - 1, -1, -1, -1, -1, size - 1, size - 1) : new SpecialTokens(0, 1, 2, 3, 4, -1, -1);
    }

    @Override
    public int tokenToId(String token) {
        if (token.startsWith("t")) {
            try {
                int id = Integer.parseInt(token.substring(1));
                return id >= 0 && id < size ? id : -1;
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }

    @Override
    public String idToToken(int id) {
        if (id < 0 || id >= size) {
            throw new IllegalArgumentException("id " + id + " out of range [0, " + size + ")");
        }
        return "t" + id;
    }

    @Override
    public Encoding encode(String text) {
        throw new UnsupportedOperationException("the benchmark's synthetic vocabulary cannot encode text");
    }

    @Override
    public List<Encoding> encodeBatch(List<String> texts) {
        throw new UnsupportedOperationException("the benchmark's synthetic vocabulary cannot encode text");
    }

    @Override
    public Encoding encodeForModel(String text) {
        throw new UnsupportedOperationException("the benchmark's synthetic vocabulary cannot encode text");
    }

    @Override
    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            sb.append(sb.length() == 0 ? "" : " ").append(idToToken(id));
        }
        return sb.toString();
    }

    @Override
    public void save(Path tokenizerJson) {
        throw new UnsupportedOperationException("the benchmark's synthetic vocabulary is not saved");
    }
}

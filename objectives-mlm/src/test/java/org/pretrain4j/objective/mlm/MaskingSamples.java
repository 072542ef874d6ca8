package org.pretrain4j.objective.mlm;

import java.util.List;
import org.pretrain4j.data.Example;
import org.pretrain4j.spi.MaskingVocabulary;
import org.pretrain4j.testkit.FakeCorpus;
import org.pretrain4j.testkit.FakeExamples;
import org.pretrain4j.testkit.FakeTokenizer;

/** Shared inputs of the strategy tests: the fake WordPiece vocabulary and a corpus of packed blocks. */
final class MaskingSamples {
    static final FakeTokenizer TOKENIZER = FakeTokenizer.wordPiece();
    static final MaskingVocabulary VOCABULARY =
            new MaskingVocabulary(TOKENIZER.vocabularySize(), TOKENIZER.specialTokens().mask(), TOKENIZER.specialTokens());
    /** Ids 0-4 are [PAD] [UNK] [CLS] [SEP] [MASK]; 97 ids in all, 92 of them ordinary. */
    static final int ORDINARY = 92;

    private MaskingSamples() {}

    /** Blocks of 128 tokens from 2,500 generated documents: about 140,000 tokens. */
    static List<Example> largeCorpus() {
        return FakeExamples.packed(TOKENIZER, FakeCorpus.documents(2500, 99), 128);
    }

    /** Token ids of a text, by the fake vocabulary. */
    static int id(String token) {
        int id = TOKENIZER.tokenToId(token);
        if (id < 0) {
            throw new IllegalArgumentException(token);
        }
        return id;
    }

    /** Four standard deviations of a proportion estimated from n draws. */
    static double tolerance(double p, long n) {
        return 4 * Math.sqrt(p * (1 - p) / n);
    }
}

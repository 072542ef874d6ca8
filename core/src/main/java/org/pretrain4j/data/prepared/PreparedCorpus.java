package org.pretrain4j.data.prepared;

import java.util.List;
import org.pretrain4j.data.Corpus;
import org.pretrain4j.data.CorpusException;
import org.pretrain4j.data.TokenizedCorpus;
import org.pretrain4j.data.TokenizedDocument;
import org.pretrain4j.data.TokenizedReader;

/**
 * The documents of a prepared dataset's shards, in order, optionally one side of the held-out split.
 * Document {@code i} is the {@code i}-th document stored, counting those with no sentences, which is
 * the index the text corpus gives it, so the split by document matches {@link Corpus#split}.
 */
final class PreparedCorpus implements TokenizedCorpus {
    private final String name;
    private final List<IndexedShard> shards;
    private final boolean split;
    private final long seed;
    private final double fraction;
    private final boolean validation;

    PreparedCorpus(String name, List<IndexedShard> shards) {
        this(name, shards, false, 0, 0, false);
    }

    private PreparedCorpus(String name, List<IndexedShard> shards, boolean split, long seed, double fraction, boolean validation) {
        this.name = name;
        this.shards = List.copyOf(shards);
        this.split = split;
        this.seed = seed;
        this.fraction = fraction;
        this.validation = validation;
    }

    @Override
    public String name() {
        return split ? name + (validation ? "[validation " : "[train ") + fraction + " seed " + seed + "]" : name;
    }

    @Override
    public TokenizedCorpus split(long newSeed, double validationFraction, boolean newValidation) {
        if (split) {
            throw new IllegalStateException("corpus " + name() + " is already split");
        }
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in [0, 1): " + validationFraction);
        }
        return new PreparedCorpus(name, shards, true, newSeed, validationFraction, newValidation);
    }

    @Override
    public TokenizedReader open() {
        return new TokenizedReader() {
            private int shard;
            private long document;
            private long index;
            private long returned;

            @Override
            public TokenizedDocument next() {
                while (shard < shards.size()) {
                    IndexedShard s = shards.get(shard);
                    if (document >= s.documents()) {
                        shard++;
                        document = 0;
                        continue;
                    }
                    long d = document++;
                    long i = index++;
                    if (split && Corpus.isValidationDocument(seed, fraction, i) != validation) {
                        continue;
                    }
                    TokenizedDocument doc = s.document(d);
                    if (doc.size() > 0) {
                        returned++;
                        return doc;
                    }
                }
                return null;
            }

            @Override
            public CorpusException nothingRead() {
                return new CorpusException("prepared dataset " + name() + " produced no examples: " + returned
                        + " documents with tokens among " + index + " stored");
            }

            @Override
            public void close() {
                // the shards are mapped once for the dataset's lifetime; nothing per pass
            }
        };
    }
}

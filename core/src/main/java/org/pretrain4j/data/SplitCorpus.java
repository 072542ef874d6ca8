package org.pretrain4j.data;

import static java.util.Objects.requireNonNull;

/** One side of a reproducible train/validation split by document (see {@link Corpus#split}). */
final class SplitCorpus implements Corpus {
    /** The epoch slot of the split's random key, apart from any training epoch. */
    private static final long SPLIT_STREAM = 0x5EEDL << 40;

    private final Corpus base;
    private final long seed;
    private final double fraction;
    private final boolean validation;

    SplitCorpus(Corpus base, long seed, double fraction, boolean validation) {
        this.base = requireNonNull(base, "base is null");
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in [0, 1): " + fraction);
        }
        this.seed = seed;
        this.fraction = fraction;
        this.validation = validation;
    }

    static boolean isValidation(long seed, double fraction, long documentIndex) {
        return RandomSource.of(seed, SPLIT_STREAM, documentIndex).nextDouble() < fraction;
    }

    @Override
    public String name() {
        return base.name() + (validation ? "[validation " : "[train ") + fraction + " seed " + seed + "]";
    }

    @Override
    public DocumentReader open() {
        DocumentReader in = base.open();
        return new DocumentReader() {
            private long index;

            @Override
            protected Document read() {
                while (in.hasNext()) {
                    Document d = in.next();
                    if (isValidation(seed, fraction, index++) == validation) {
                        return d;
                    }
                }
                return null;
            }

            @Override
            public void close() {
                in.close();
            }
        };
    }
}

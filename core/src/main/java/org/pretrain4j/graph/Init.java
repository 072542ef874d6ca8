package org.pretrain4j.graph;

/** How a variable is initialised. Values are drawn by {@link Initializer}, identically on every backend. */
public sealed interface Init {
    /** All zeros. */
    record Zeros() implements Init {}

    /** All ones. */
    record Ones() implements Init {}

    /** Normal with mean 0 and the given standard deviation, truncated at two deviations as BERT does. */
    record TruncatedNormal(double std) implements Init {}

    static Init zeros() {
        return new Zeros();
    }

    static Init ones() {
        return new Ones();
    }

    static Init normal(double std) {
        return new TruncatedNormal(std);
    }
}

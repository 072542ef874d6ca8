package org.pretrain4j.train;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The shape of the learning rate after warm-up. */
public enum Schedule {
    /** Linear decay from the peak to zero at the last step (Hugging Face {@code linear}, google BERT). */
    LINEAR,
    /** Half a cosine wave from the peak to zero at the last step (Hugging Face {@code cosine}). */
    COSINE,
    /** The peak rate until the end. */
    CONSTANT;

    /** Parses {@code linear}, {@code cosine} or {@code constant} (any case); anything else fails listing them. */
    @JsonCreator
    public static Schedule parse(String name) {
        for (Schedule s : values()) {
            if (s.name().equalsIgnoreCase(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("Unknown schedule '" + name + "'. Available: [linear, cosine, constant]");
    }

    @JsonValue
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}

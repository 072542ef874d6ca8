package org.pretrain4j.train;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * Where the training data stands: the epoch and the index, within that epoch, of the next example
 * to read. Examples and their masks are keyed by (seed, epoch, example index), so a data source
 * opened at a position continues exactly as it would have.
 */
@JsonNaming(PropertyNamingStrategies.KebabCaseStrategy.class)
public record DataPosition(long epoch, long exampleIndex) {
    /** The start of the data. */
    public static final DataPosition START = new DataPosition(0, 0);

    public DataPosition {
        if (epoch < 0 || exampleIndex < 0) {
            throw new IllegalArgumentException("data position must not be negative: epoch " + epoch + ", example " + exampleIndex);
        }
    }
}

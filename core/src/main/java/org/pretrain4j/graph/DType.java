package org.pretrain4j.graph;

/** Element types of graph tensors. Floating point is float32 on backends; the reference interpreter computes it in float64. */
public enum DType {
    FLOAT32,
    INT64,
    BOOL;

    /** True for FLOAT32. */
    public boolean isFloating() {
        return this == FLOAT32;
    }
}

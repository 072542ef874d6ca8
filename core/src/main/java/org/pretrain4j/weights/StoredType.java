package org.pretrain4j.weights;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;

/** The element types a weight file may store, with their widening to float32. */
enum StoredType {
    F32(4),
    F16(2),
    BF16(2),
    /** Integer buffers (BERT's {@code position_ids} in older files): converted, exact below 2^24. */
    I64(8);

    /** The names a reader accepts, for messages. */
    static final String SUPPORTED = "F32, F16, BF16 (and I64 buffers)";

    private static final float[] HALF_TO_FLOAT = halfTable();

    final int bytes;

    StoredType(int bytes) {
        this.bytes = bytes;
    }

    /** The type of a safetensors dtype name, or null when not supported. */
    static StoredType ofName(String name) {
        for (StoredType t : values()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }

    /** Widens {@code dst.length} elements from {@code src} (little-endian, from its position) into {@code dst}. */
    void toFloats(ByteBuffer src, float[] dst) {
        toFloats(src, dst, 0, dst.length);
    }

    /** Widens {@code count} elements from {@code src} (little-endian, from its position) into {@code dst[from..]}. */
    void toFloats(ByteBuffer src, float[] dst, int from, int count) {
        ByteBuffer le = src.slice().order(ByteOrder.LITTLE_ENDIAN);
        switch (this) {
            case F32 -> {
                FloatBuffer f = le.asFloatBuffer();
                f.get(dst, from, count);
            }
            case F16, BF16 -> {
                ShortBuffer s = le.asShortBuffer();
                short[] chunk = new short[Math.min(count, 1 << 16)];
                for (int i = 0; i < count; i += chunk.length) {
                    int n = Math.min(chunk.length, count - i);
                    s.get(chunk, 0, n);
                    int at = from + i;
                    if (this == F16) {
                        for (int k = 0; k < n; k++) {
                            dst[at + k] = HALF_TO_FLOAT[chunk[k] & 0xFFFF];
                        }
                    } else {
                        for (int k = 0; k < n; k++) {
                            dst[at + k] = Float.intBitsToFloat((chunk[k] & 0xFFFF) << 16);
                        }
                    }
                }
            }
            case I64 -> {
                LongBuffer l = le.asLongBuffer();
                for (int i = 0; i < count; i++) {
                    dst[from + i] = l.get();
                }
            }
            default -> throw new AssertionError(this);
        }
    }

    /** IEEE 754 binary16 to float32, exact (Java 17 has no Float.float16ToFloat). */
    static float halfToFloat(int bits) {
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1F;
        int mantissa = bits & 0x3FF;
        if (exponent == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            if (mantissa == 0) {
                return Float.intBitsToFloat(sign);
            }
            // Subnormal: mantissa x 2^-24, exact in float32.
            float value = mantissa * 0x1p-24f;
            return sign == 0 ? value : -value;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    private static float[] halfTable() {
        float[] table = new float[1 << 16];
        for (int i = 0; i < table.length; i++) {
            table[i] = halfToFloat(i);
        }
        return table;
    }
}

package org.pretrain4j.data.prepared;

/** How token ids are stored in a {@code .bin} file, with Megatron-LM's numeric dtype codes. */
public enum TokenType {
    /** numpy uint16, Megatron code 8: vocabularies under 65,500 ids, as Megatron chooses. */
    UINT16(8, 2),
    /** numpy int32, Megatron code 4: larger vocabularies. */
    INT32(4, 4);

    /** Megatron's threshold ({@code DType.optimal_dtype}): below it uint16, else int32. */
    public static final int UINT16_LIMIT = 65_500;

    private final int code;
    private final int bytes;

    TokenType(int code, int bytes) {
        this.code = code;
        this.bytes = bytes;
    }

    /** The Megatron dtype code written in the index header. */
    public int code() {
        return code;
    }

    /** Bytes per token. */
    public int bytes() {
        return bytes;
    }

    /** The type Megatron would choose for {@code vocabularySize} ids. */
    public static TokenType forVocabulary(int vocabularySize) {
        return vocabularySize < UINT16_LIMIT ? UINT16 : INT32;
    }

    /** The type of a dtype code, or null when pretrain4j does not read that code. */
    public static TokenType ofCode(int code) {
        for (TokenType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }
}

package org.pretrain4j.data.prepared;

/**
 * Names inside a prepared dataset folder. A shard {@code NAME} is {@code NAME.idx} + {@code NAME.bin}
 * (Megatron-LM's pair, readable by its loaders with the prefix {@code DIR/NAME}) plus
 * {@code NAME.wst}, pretrain4j's word-start bits that whole-word masking needs and Megatron ignores.
 */
public final class ShardFiles {
    /** The manifest: tokenizer hash, counts per shard, format version. */
    public static final String MANIFEST = "manifest.json";
    /** The dataset's tokenizer, as {@code Tokenizer.save} writes it. */
    public static final String TOKENIZER = "tokenizer.json";
    /** Written last, inside the temporary folder before its rename: a folder without it is not a dataset. */
    public static final String MARKER = "_SUCCESS";
    public static final String INDEX = ".idx";
    public static final String DATA = ".bin";
    public static final String WORD_STARTS = ".wst";

    private ShardFiles() {
    }

    /** The single-machine name of shard {@code n}: shard-00000, shard-00001, ... */
    public static String shardName(int n) {
        return String.format(java.util.Locale.ROOT, "shard-%05d", n);
    }

    /** The name of shard {@code n} of input partition {@code partition} (distributed writers). */
    public static String shardName(int partition, int n) {
        return String.format(java.util.Locale.ROOT, "shard-%05d-%03d", partition, n);
    }
}

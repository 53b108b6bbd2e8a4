package dev.perennial.data;

import java.util.List;

/**
 * {@code metadata.json} of a prepared corpus: which tokenizer made the tokens, where they came from, how many
 * there are, how the validation split was chosen and what separates documents.
 */
public record CorpusMetadata(
        String format,
        TokenizerInfo tokenizer,
        String dtype,
        String eosPolicy,
        String textField,
        String textUnit,
        double valFraction,
        String valRule,
        List<Source> sources,
        Split train,
        Split val,
        long badRecordsSkipped,
        String contentHash) {

    public static final String FORMAT = "perennial-corpus-v1";
    public static final String EOS_POLICY = "append: one end-of-text token after every document";
    public static final String VAL_RULE = "a document is held out when the first 8 bytes of SHA-256(UTF-8 text), read as "
            + "an unsigned big-endian integer divided by 2^64, are below val_fraction";

    public record TokenizerInfo(String name, String hash, int vocabSize, int eosId) {
    }

    public record Source(String path, long bytes, String sha256, long documents, long badRecords) {
    }

    public record Shard(String file, long tokens) {
    }

    /** A split's token stream: shards in order, and the document index file (n + 1 int64 start offsets). */
    public record Split(long documents, long tokens, List<Shard> shards, String index) {
    }

    public int bytesPerToken() {
        return "uint16".equals(dtype) ? 2 : 4;
    }
}

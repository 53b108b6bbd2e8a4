package dev.perennial.data;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code metadata.json} of a prepared corpus: which tokenizer made the tokens, where they came from, how many
 * there are, how the validation split was chosen and what separates documents, and the SHA-256 of every token and
 * index file ({@code fileSha256}; null in corpora prepared before it was recorded, which are checked by size only).
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
        String contentHash,
        Map<String, String> fileSha256) {

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

    /** This metadata with the files' checksums recorded. */
    public CorpusMetadata withFileSha256(Map<String, String> sums) {
        return new CorpusMetadata(format, tokenizer, dtype, eosPolicy, textField, textUnit, valFraction, valRule,
                sources, train, val, badRecordsSkipped, contentHash, sums);
    }

    /** Every token shard and document index file, train split first, in order. */
    public List<String> files() {
        return Stream.of(train, val)
                .flatMap(split -> Stream.concat(split.shards().stream().map(Shard::file), Stream.of(split.index())))
                .toList();
    }

    public int bytesPerToken() {
        return "uint16".equals(dtype) ? 2 : 4;
    }
}

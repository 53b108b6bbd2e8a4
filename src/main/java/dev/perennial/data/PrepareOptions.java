package dev.perennial.data;

import java.nio.file.Path;
import java.util.List;

/** What {@code perennial prepare} was asked to do. */
public record PrepareOptions(
        List<String> inputs,
        Path out,
        String textField,
        TextUnit textUnit,
        double valFraction,
        boolean skipBad,
        boolean overwrite,
        long shardTokens,
        int threads) {

    public static final String DEFAULT_TEXT_FIELD = "text";
    public static final double DEFAULT_VAL_FRACTION = 0.01;
    /** 256M tokens: 512 MB shards of uint16, 1 GB of uint32. */
    public static final long DEFAULT_SHARD_TOKENS = 1L << 28;
}

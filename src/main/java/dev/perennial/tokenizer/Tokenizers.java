package dev.perennial.tokenizer;

import java.nio.file.Path;

/** Opens a tokenizer from what a user writes: {@code byte}, or the path of a tokenizer.json or its folder. */
public final class Tokenizers {

    private Tokenizers() {
    }

    /**
     * A tokenizer as a config in {@code configFolder} names it, ready for {@link #open}: {@code byte} as it is, a
     * path relative to the config's folder; null (none named) stays null.
     */
    public static String located(String spec, Path configFolder) {
        return spec == null || ByteTokenizer.NAME.equals(spec) ? spec : configFolder.resolve(spec).toString();
    }

    public static Tokenizer open(String spec) {
        if (ByteTokenizer.NAME.equals(spec)) {
            return new ByteTokenizer();
        }
        return HfTokenizer.load(Path.of(spec));
    }
}

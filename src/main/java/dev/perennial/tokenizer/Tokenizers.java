package dev.perennial.tokenizer;

import java.nio.file.Path;

/** Opens a tokenizer from what a user writes: {@code byte}, or the path of a tokenizer.json or its folder. */
public final class Tokenizers {

    private Tokenizers() {
    }

    public static Tokenizer open(String spec) {
        if (ByteTokenizer.NAME.equals(spec)) {
            return new ByteTokenizer();
        }
        return HfTokenizer.load(Path.of(spec));
    }
}

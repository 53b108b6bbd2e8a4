package dev.perennial.speech;

import dev.perennial.io.Json;
import dev.perennial.tokenizer.HfTokenizer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Whisper ids to text as WhisperTokenizer.decode(skip_special_tokens=True) gives it: timestamp tokens and special
 * tokens left out, the byte-level pieces joined, then, when tokenizer_config.json's clean_up_tokenization_spaces is
 * true (transformers' default), tokenization_utils_base.clean_up_tokenization's spaces before punctuation and
 * contractions removed.
 */
final class WhisperText {

    private static final String[][] CLEAN_UP = {{" .", "."}, {" ?", "?"}, {" !", "!"}, {" ,", ","}, {" ' ", "'"},
            {" n't", "n't"}, {" 'm", "'m"}, {" 's", "'s"}, {" 've", "'ve"}, {" 're", "'re"}};

    private final HfTokenizer tokenizer;
    private final int timestampBegin;
    private final boolean cleanUp;

    private WhisperText(HfTokenizer tokenizer, int timestampBegin, boolean cleanUp) {
        this.tokenizer = tokenizer;
        this.timestampBegin = timestampBegin;
        this.cleanUp = cleanUp;
    }

    static WhisperText of(HfTokenizer tokenizer, Path dir, WhisperGenerationConfig gen) {
        Path config = dir.resolve("tokenizer_config.json");
        boolean cleanUp = !Files.isRegularFile(config) || Json.readModelFile(config, "no such file")
                .path("clean_up_tokenization_spaces").asBoolean(true);
        return new WhisperText(tokenizer, gen.hasTimestamps() ? gen.timestampBegin() : Integer.MAX_VALUE, cleanUp);
    }

    String decode(int[] ids) {
        int[] kept = Arrays.stream(ids).filter(id -> id < timestampBegin).toArray();
        String text = tokenizer.decode(kept, true);
        if (cleanUp) {
            for (String[] rule : CLEAN_UP) {
                text = text.replace(rule[0], rule[1]);
            }
        }
        return text;
    }
}

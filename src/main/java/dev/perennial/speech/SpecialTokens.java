package dev.perennial.speech;

import java.util.Map;
import java.util.Set;

/**
 * The ids the merge treats specially, from the Whisper tokenizer: every special token ({@code all_special_ids}),
 * {@code <|startofprev|>} and {@code <|startoftranscript|>} (a prompt before the latter is dropped), the first
 * timestamp ({@code <|notimestamps|>} + 1; every id from it on is a timestamp), and the language tokens with the
 * language names of tokenization_whisper.py's LANGUAGES ({@code <|en|>} to "english").
 */
public record SpecialTokens(Set<Integer> ids, int startOfPrevious, int startOfTranscript, int timestampBegin,
                            Map<Integer, String> languages) {

    public SpecialTokens {
        ids = Set.copyOf(ids);
        languages = Map.copyOf(languages);
    }

    public boolean isTimestamp(int id) {
        return id >= timestampBegin;
    }
}

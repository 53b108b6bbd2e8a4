package dev.perennial.speech;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@link TranscriptMerger} needs from a loaded {@link WhisperRecognizer}: its special tokens and its text. Every
 * Whisper vocabulary holds its special tokens in one run of added tokens, from {@code <|endoftext|>} to
 * {@code <|notimestamps|>}, with {@code <|startofprev|>} two before the latter (tokenization_whisper.py's
 * all_special_ids; openai/whisper's tokenizer.py lists them in that order); timestamps follow.
 */
final class RecognizerTokens {

    private RecognizerTokens() {
    }

    static SpecialTokens specials(WhisperRecognizer recognizer) {
        WhisperGenerationConfig gen = recognizer.generation();
        int last = gen.hasTimestamps() ? gen.noTimestampsTokenId()
                : List.of(gen.decoderStartTokenId(), gen.eosTokenId()).stream().mapToInt(Integer::intValue).max()
                .orElseThrow();
        for (int id : gen.langToId().values()) {
            last = Math.max(last, id);
        }
        for (int id : gen.taskToId().values()) {
            last = Math.max(last, id);
        }
        int first = Math.min(gen.eosTokenId(), gen.decoderStartTokenId());
        Set<Integer> ids = new HashSet<>();
        for (int id = first; id <= last; id++) {
            ids.add(id);
        }
        Map<Integer, String> languages = new HashMap<>();
        gen.langToId().forEach((token, id) -> {
            String name = WhisperLanguages.name(WhisperLanguages.code(token));
            languages.put(id, name != null ? name : WhisperLanguages.code(token));
        });
        int startOfPrevious = gen.hasTimestamps() ? gen.noTimestampsTokenId() - 2 : -1;
        int timestampBegin = gen.hasTimestamps() ? gen.timestampBegin() : Integer.MAX_VALUE;
        return new SpecialTokens(ids, startOfPrevious, gen.decoderStartTokenId(), timestampBegin, languages);
    }

    static TokenText text(WhisperRecognizer recognizer) {
        return ids -> recognizer.text(ids.stream().mapToInt(Integer::intValue).toArray());
    }
}

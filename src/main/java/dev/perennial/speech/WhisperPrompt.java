package dev.perennial.speech;

import dev.perennial.UserError;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The tokens Whisper's decoder starts from, as generation_whisper.py's _retrieve_init_tokens builds them:
 * {@code <|startoftranscript|>}, then older checkpoints' forced_decoder_ids, then the language token (given, or
 * detected where lang_to_id exists and forced_decoder_ids name none: {@link #LANGUAGE_TO_DETECT} marks its place), the
 * task token (the one given; transcribe after a given language without one), and {@code <|notimestamps|>} unless
 * timestamps are asked for. An English-only checkpoint refuses a language or task, as transformers does.
 */
public final class WhisperPrompt {

    /** The place of a language token still to be detected. */
    public static final int LANGUAGE_TO_DETECT = -1;

    private WhisperPrompt() {
    }

    /** The prompt for {@code options}; a prompt whose language is to be detected holds {@link #LANGUAGE_TO_DETECT}. */
    public static int[] tokens(WhisperGenerationConfig gen, DecodingOptions options) {
        List<Integer> tokens = new ArrayList<>();
        tokens.add(gen.decoderStartTokenId());
        for (int position = 1; forced(gen, position) != null; position++) {
            tokens.add(forced(gen, position));
        }
        if (!gen.isMultilingual() && (options.language() != null || options.task() != null)) {
            throw new UserError((options.language() != null ? "--language " + options.language() : "--task "
                    + options.task()) + ": this Whisper checkpoint is English-only (is_multilingual false in "
                    + WhisperGenerationConfig.FILE + "); leave --language and --task out");
        }
        boolean languageAsked = options.language() != null;
        boolean languageOpen = tokens.size() <= 1 || tokens.get(1) == LANGUAGE_TO_DETECT;
        // generation_whisper.py _retrieve_init_tokens: detection whenever lang_to_id is there and the prompt has no
        // language, is_multilingual or not (it only refuses a language or task asked of an English-only checkpoint)
        if (languageAsked || (languageOpen && !gen.langToId().isEmpty())) {
            int language = languageAsked ? languageId(gen, options.language()) : LANGUAGE_TO_DETECT;
            boolean hasLanguage = tokens.size() > 1 && (tokens.get(1) == LANGUAGE_TO_DETECT
                    || gen.langToId().containsValue(tokens.get(1)));
            if (hasLanguage) {
                tokens.set(1, language);
            } else {
                tokens.add(1, language);
            }
        }
        if (options.task() != null) {
            tokens.removeIf(gen.taskToId()::containsValue);
            tokens.add(Math.min(2, tokens.size()), taskId(gen, options.task()));
        } else if (languageAsked && tokens.stream().noneMatch(gen.taskToId()::containsValue)) {
            // transcribe is added only to a language that was asked for, not to a detected one
            tokens.add(Math.min(2, tokens.size()), taskId(gen, "transcribe"));
        }
        tokens.removeIf(t -> t == gen.noTimestampsTokenId());
        if (options.timestamps() && !gen.hasTimestamps()) {
            throw new UserError("--timestamps: this Whisper checkpoint has no no_timestamps_token_id in "
                    + WhisperGenerationConfig.FILE + ", so it cannot predict timestamps");
        }
        if (!options.timestamps() && gen.hasTimestamps()) {
            tokens.add(gen.noTimestampsTokenId());
        }
        return tokens.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The token of {@code language}: a code ("de") or a token ("&lt;|de|&gt;") of lang_to_id. */
    public static int languageId(WhisperGenerationConfig gen, String language) {
        String token = language.startsWith("<|") ? language : "<|" + language.toLowerCase(java.util.Locale.ROOT) + "|>";
        Integer id = gen.langToId().get(token);
        if (id == null) {
            TreeSet<String> codes = new TreeSet<>();
            gen.langToId().keySet().forEach(t -> codes.add(t.replace("<|", "").replace("|>", "")));
            throw new UserError("--language " + language + ": not a language of this Whisper checkpoint (lang_to_id in "
                    + WhisperGenerationConfig.FILE + "); use one of " + String.join(", ", codes));
        }
        return id;
    }

    private static int taskId(WhisperGenerationConfig gen, String task) {
        Integer id = gen.taskToId().get(task);
        if (id == null) {
            throw new UserError("--task " + task + ": not a task of this Whisper checkpoint (task_to_id in "
                    + WhisperGenerationConfig.FILE + "); use " + String.join(" or ", new TreeSet<>(gen.taskToId()
                    .keySet())));
        }
        return id;
    }

    private static Integer forced(WhisperGenerationConfig gen, int position) {
        for (int[] pair : gen.forcedDecoderIds()) {
            if (pair[0] == position) {
                return pair[1];
            }
        }
        return null;
    }
}

package dev.perennial.speech;

import dev.perennial.generate.BeamSearch;

/**
 * How Whisper decodes a window, as generate()'s arguments and the checkpoint's generation config say it.
 *
 * @param language      a language code ("de") or token ("&lt;|de|&gt;") of a multilingual checkpoint's lang_to_id;
 *                      null: detected, as transformers does, from the first step's language-token logits
 * @param task          "transcribe" or "translate" (task_to_id); null: transcribe for a multilingual checkpoint
 * @param timestamps    whether to predict timestamp tokens (no &lt;|notimestamps|&gt;, the timestamp rules on)
 * @param numBeams      1 for greedy decoding, more for beam search
 * @param lengthPenalty beam search's exponent of the length that divides a finished hypothesis' score
 * @param earlyStopping beam search's stopping rule
 * @param maxNewTokens  tokens generated at most per window; 0: up to the generation config's max_length
 * @param batchSize     windows encoded and decoded together
 */
public record DecodingOptions(String language, String task, boolean timestamps, int numBeams, double lengthPenalty,
                              BeamSearch.EarlyStopping earlyStopping, int maxNewTokens, int batchSize) {

    public DecodingOptions {
        if (numBeams < 1) {
            throw new IllegalArgumentException("num_beams is " + numBeams + "; use 1 for greedy decoding");
        }
        if (maxNewTokens < 0) {
            throw new IllegalArgumentException("max_new_tokens is " + maxNewTokens + "; use 0 for the model's limit");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size is " + batchSize + ", not above 0");
        }
    }

    /** Greedy decoding without timestamps, up to the model's limit, four windows at a time. */
    public static DecodingOptions greedy() {
        return new DecodingOptions(null, null, false, 1, 1.0, BeamSearch.EarlyStopping.FALSE, 0, 4);
    }

    public DecodingOptions withTimestamps(boolean on) {
        return new DecodingOptions(language, task, on, numBeams, lengthPenalty, earlyStopping, maxNewTokens, batchSize);
    }

    public DecodingOptions withBeams(int beams, double penalty, BeamSearch.EarlyStopping stopping) {
        return new DecodingOptions(language, task, timestamps, beams, penalty, stopping, maxNewTokens, batchSize);
    }

    /** {@code beams} with the length penalty and stopping rule kept (generate()'s defaults after {@link #greedy}). */
    public DecodingOptions withBeams(int beams) {
        return withBeams(beams, lengthPenalty, earlyStopping);
    }

    public DecodingOptions withBatchSize(int windows) {
        return new DecodingOptions(language, task, timestamps, numBeams, lengthPenalty, earlyStopping, maxNewTokens,
                windows);
    }

    public DecodingOptions withMaxNewTokens(int tokens) {
        return new DecodingOptions(language, task, timestamps, numBeams, lengthPenalty, earlyStopping, tokens, batchSize);
    }

    public DecodingOptions withLanguage(String lang, String newTask) {
        return new DecodingOptions(lang, newTask, timestamps, numBeams, lengthPenalty, earlyStopping, maxNewTokens,
                batchSize);
    }
}

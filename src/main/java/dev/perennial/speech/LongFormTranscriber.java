package dev.perennial.speech;

import dev.perennial.UserError;

import java.util.ArrayList;
import java.util.List;

/**
 * Audio of any length to one transcript, as transformers' AutomaticSpeechRecognitionPipeline does it with
 * {@code chunk_length_s} (pipelines/automatic_speech_recognition.py): the samples are cut into overlapping windows
 * ({@link Chunking}, strides of a sixth of the chunk on each side), the windows are decoded in batches by the
 * {@link WhisperRecognizer}, and the windows' tokens are merged by {@link TranscriptMerger} (_decode_asr).
 */
public final class LongFormTranscriber {

    private final WhisperRecognizer recognizer;
    private final TranscriptMerger merger;

    public LongFormTranscriber(WhisperRecognizer recognizer) {
        this.recognizer = recognizer;
        this.merger = new TranscriptMerger(RecognizerTokens.specials(recognizer), RecognizerTokens.text(recognizer),
                recognizer.timePrecision());
    }

    /** The rate the samples must be at: the feature extractor's (16 kHz for every Whisper checkpoint). */
    public int samplingRate() {
        return recognizer.features().config().samplingRate();
    }

    /** The longest chunk in seconds: the feature extractor's window (chunk_length, 30 s for Whisper). */
    public int windowSeconds() {
        return recognizer.features().config().chunkLength();
    }

    /**
     * The transcript of {@code samples} (at {@link #samplingRate()}) cut into {@code chunkSeconds} windows; a
     * language given by name ("german") is passed on as its code.
     */
    public Transcription transcribe(float[] samples, double chunkSeconds, DecodingOptions options) {
        if (chunkSeconds > windowSeconds()) {
            throw new UserError("--chunk-length " + chunkSeconds + ": longer than the model's window of "
                    + windowSeconds() + " s (chunk_length in preprocessor_config.json), past which the feature "
                    + "extractor cuts the audio off; use at most " + windowSeconds());
        }
        DecodingOptions decoding = decodingOf(options);
        int rate = samplingRate();
        List<Window> windows = Chunking.of(chunkSeconds, rate).windows(samples.length);
        List<float[]> cuts = windows.stream().map(w -> w.cut(samples)).toList();
        List<WhisperRecognizer.Decoded> decoded = recognizer.decodeWithPrompts(cuts, decoding);
        List<WindowTokens> tokens = new ArrayList<>();
        for (int i = 0; i < windows.size(); i++) {
            // the prompt stays in, as short-form generate() returns it: a detected language token that changes
            // between windows ends a chunk in _decode_asr
            List<Integer> ids = new ArrayList<>();
            for (int id : decoded.get(i).prompt()) {
                ids.add(id);
            }
            for (int id : decoded.get(i).ids()) {
                ids.add(id);
            }
            tokens.add(new WindowTokens(ids, windows.get(i).stride(rate)));
        }
        Transcript transcript = merger.merge(tokens, decoding.timestamps());
        return new Transcription(transcript, decoding.timestamps(), decoding.task() == null ? "transcribe"
                : decoding.task(), language(decoding), samples.length / (double) rate);
    }

    /** The most new tokens the decoder has room for per window after the prompt of {@code options}. */
    public int room(DecodingOptions options) {
        return recognizer.room(decodingOf(options));
    }

    private DecodingOptions decodingOf(DecodingOptions options) {
        return options.language() == null ? options : options.withLanguage(englishOnlyEnglish(options.language())
                ? null : WhisperLanguages.code(options.language()), options.task());
    }

    /**
     * English asked of an English-only checkpoint: left out rather than refused as transformers refuses any language
     * there, since OpenAI's clients often send "en" whatever the model.
     */
    private boolean englishOnlyEnglish(String language) {
        return !recognizer.generation().isMultilingual() && WhisperLanguages.code(language).equals("en");
    }

    /** The language's name: the one given, English for an English-only checkpoint, else null (detected per window). */
    private String language(DecodingOptions options) {
        if (options.language() != null) {
            String name = WhisperLanguages.name(options.language());
            return name != null ? name : options.language();
        }
        return recognizer.generation().isMultilingual() ? null : "english";
    }
}

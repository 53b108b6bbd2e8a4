package dev.perennial.pipeline;

import dev.perennial.audio.SincResampler;
import dev.perennial.audio.Waveform;
import dev.perennial.speech.DecodingOptions;
import dev.perennial.speech.LongFormTranscriber;
import dev.perennial.speech.Transcription;
import dev.perennial.speech.WhisperRecognizer;

import java.nio.file.Path;

/**
 * Whisper for automatic-speech-recognition: a recording resampled to the feature extractor's rate, cut into windows,
 * decoded {@code batchSize} windows at a time and merged into one transcript ({@link LongFormTranscriber}).
 */
final class SpeechRecognizer implements Encoder {

    /** Whisper's feature extractors' rate, at which files for it are best read (no second resampling). */
    static final int RATE = Requests.SPEECH_RATE;

    /**
     * The pipeline's own _default_generation_config (pipelines/automatic_speech_recognition.py): max_new_tokens 256
     * (generation_whisper.py _set_max_new_tokens_and_length cuts it to the decoder's room) and num_beams 5, which a
     * checkpoint's generation_config.json overrides only with a value other than GenerationConfig's default 1.
     */
    static final int DEFAULT_MAX_NEW_TOKENS = 256;
    static final int DEFAULT_BEAMS = 5;

    private final Path dir;
    private final WhisperRecognizer recognizer;
    private final LongFormTranscriber transcriber;
    private final int batchSize;

    private SpeechRecognizer(Path dir, WhisperRecognizer recognizer, int batchSize) {
        this.dir = dir;
        this.recognizer = recognizer;
        this.transcriber = new LongFormTranscriber(recognizer);
        this.batchSize = batchSize;
    }

    static SpeechRecognizer load(Path dir, PipelineOptions options) {
        return new SpeechRecognizer(dir, WhisperRecognizer.load(dir, options.dtype()), options.batchSize());
    }

    @Override
    public Path dir() {
        return dir;
    }

    @Override
    public String modelType() {
        return "whisper";
    }

    /** The recognizer, for callers that time it. */
    WhisperRecognizer recognizer() {
        return recognizer;
    }

    Transcription transcribe(Inputs.Recording input) {
        Waveform audio = SincResampler.resample(input.audio(), transcriber.samplingRate());
        DecodingOptions options = DecodingOptions.greedy().withLanguage(input.language(), input.task())
                .withTimestamps(input.timestamps()).withBeams(beams(input)).withBatchSize(batchSize);
        options = options.withMaxNewTokens(Math.min(DEFAULT_MAX_NEW_TOKENS, transcriber.room(options)));
        double chunk = input.chunkLength() > 0 ? input.chunkLength() : transcriber.windowSeconds();
        return transcriber.transcribe(audio.samples(), chunk, options);
    }

    private int beams(Inputs.Recording input) {
        if (input.numBeams() > 0) {
            return input.numBeams();
        }
        int model = recognizer.generation().numBeams();
        return model != 1 ? model : DEFAULT_BEAMS;
    }

    @Override
    public void close() {
        recognizer.close();
    }
}

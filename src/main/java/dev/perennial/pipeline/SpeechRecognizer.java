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
        int beams = input.numBeams() > 0 ? input.numBeams() : recognizer.generation().numBeams();
        DecodingOptions options = DecodingOptions.greedy().withLanguage(input.language(), input.task())
                .withTimestamps(input.timestamps()).withBeams(beams).withBatchSize(batchSize);
        double chunk = input.chunkLength() > 0 ? input.chunkLength() : transcriber.windowSeconds();
        return transcriber.transcribe(audio.samples(), chunk, options);
    }

    @Override
    public void close() {
        recognizer.close();
    }
}

package dev.perennial.speech;

import dev.perennial.io.AtomicFiles;

import java.nio.file.Path;

/**
 * A transcript with what its formats need beside it: whether timestamps were asked for (transformers' output then
 * has {@code chunks}, even none), the task ("transcribe" or "translate"), the language name ("english") and the
 * audio's duration in seconds (the end of a last segment the model left open).
 */
public record Transcription(Transcript transcript, boolean timestamps, String task, String language,
                            double duration) {

    public Transcription {
        if (!(duration >= 0) || Double.isInfinite(duration)) {
            throw new IllegalArgumentException("duration " + duration);
        }
    }

    /** The transcript in {@code format}, as an HTTP body or a file's content. */
    public String render(TranscriptFormat format) {
        return switch (format) {
            case PIPELINE -> PipelineJson.render(this);
            case JSON -> OpenAiTranscription.json(this);
            case TEXT -> OpenAiTranscription.text(this);
            case SRT -> Srt.render(Cue.of(this));
            case VTT -> WebVtt.render(Cue.of(this));
            case VERBOSE_JSON -> OpenAiTranscription.verboseJson(this);
        };
    }

    /** Writes the transcript in {@code format} to {@code file} atomically (all of it or nothing). */
    public void write(Path file, TranscriptFormat format) {
        AtomicFiles.writeString(file, render(format));
    }
}

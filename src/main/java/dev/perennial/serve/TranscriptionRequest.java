package dev.perennial.serve;

import dev.perennial.UserError;
import dev.perennial.speech.TranscriptFormat;

import java.util.List;
import java.util.Set;

/**
 * A validated OpenAI transcription request (POST /v1/audio/transcriptions, a multipart form): the audio "file",
 * "model", "response_format" (json by default, text, srt, vtt, verbose_json), "timestamp_granularities[]" (segment
 * only: word timestamps are not computed), "language" (a code, as OpenAI's; a name is accepted too) and
 * "temperature" (0 only: Whisper decodes greedily or by beam search here, without temperature fallback). Segments are
 * computed when the format shows them (srt, vtt, verbose_json) or segment granularity is asked for.
 */
record TranscriptionRequest(String model, byte[] file, TranscriptFormat format, boolean timestamps, String language) {

    static final Set<String> FIELDS = Set.of("model", "response_format", "timestamp_granularities[]",
            "timestamp_granularities", "language", "temperature");

    static TranscriptionRequest parse(PipelineApi.Form form) {
        if (form.file() == null || form.file().length == 0) {
            throw ApiError.badRequest("file", "'file' is missing: send the audio file as the form field 'file'");
        }
        String model = form.first("model");
        if (model == null || model.isBlank()) {
            throw ApiError.badRequest("model", "'model' must be the id of a speech recognition model (GET /v1/models "
                    + "lists them)");
        }
        TranscriptFormat format;
        try {
            String name = form.first("response_format");
            format = name == null ? TranscriptFormat.JSON : TranscriptFormat.parseResponseFormat(name);
        } catch (UserError e) {
            throw ApiError.badRequest("response_format", e.getMessage());
        }
        boolean segments = false;
        for (String field : List.of("timestamp_granularities[]", "timestamp_granularities")) {
            for (String value : form.fields().getOrDefault(field, List.of())) {
                if (!value.equals("segment")) {
                    throw ApiError.badRequest("timestamp_granularities", "timestamp_granularities '" + value
                            + "' is not computed here: only segment timestamps are (word timestamps need the "
                            + "cross-attention alignment, which Perennial does not compute); send segment or leave it"
                            + " out");
                }
                segments = true;
            }
        }
        String temperature = form.first("temperature");
        if (temperature != null && !isZero(temperature)) {
            throw ApiError.badRequest("temperature", "temperature " + temperature + " is not supported: Whisper "
                    + "decodes greedily (or by beam search) here, without sampling; send 0 or leave it out");
        }
        String language = form.first("language");
        boolean shown = format == TranscriptFormat.SRT || format == TranscriptFormat.VTT
                || format == TranscriptFormat.VERBOSE_JSON;
        return new TranscriptionRequest(model, form.file(), format, shown || segments,
                language == null || language.isBlank() ? null : language);
    }

    private static boolean isZero(String value) {
        try {
            return Double.parseDouble(value.strip()) == 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}

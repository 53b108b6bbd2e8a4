package dev.perennial.speech;

import dev.perennial.Choice;
import dev.perennial.UserError;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The ways a transcript is written out: transformers' pipeline output ({@code pipeline}), and the
 * {@code response_format} values of OpenAI's /v1/audio/transcriptions ({@code json}, {@code text}, {@code srt},
 * {@code vtt}, {@code verbose_json}), each with its content type and file extension.
 */
public enum TranscriptFormat implements Choice {
    PIPELINE("pipeline", "application/json", ".json", false),
    JSON("json", "application/json", ".json", true),
    TEXT("text", "text/plain; charset=utf-8", ".txt", true),
    SRT("srt", "application/x-subrip; charset=utf-8", ".srt", true),
    VTT("vtt", "text/vtt; charset=utf-8", ".vtt", true),
    VERBOSE_JSON("verbose_json", "application/json", ".json", true);

    private final String id;
    private final String contentType;
    private final String extension;
    private final boolean openAi;

    TranscriptFormat(String id, String contentType, String extension, boolean openAi) {
        this.id = id;
        this.contentType = contentType;
        this.extension = extension;
        this.openAi = openAi;
    }

    @Override
    public String id() {
        return id;
    }

    public String contentType() {
        return contentType;
    }

    public String extension() {
        return extension;
    }

    /** Any format by its name; {@code where} names the flag or field the name came from. */
    public static TranscriptFormat parse(String name, String where) {
        return Choice.byId(TranscriptFormat.class, name).orElseThrow(() -> new UserError(where + ": '" + name
                + "' is not a transcript format; use one of " + String.join(", ", Choice.ids(TranscriptFormat.class))));
    }

    /** OpenAI's response_format values only (json, text, srt, vtt, verbose_json). */
    public static TranscriptFormat parseResponseFormat(String name) {
        List<String> names = Arrays.stream(values()).filter(f -> f.openAi).map(TranscriptFormat::id).toList();
        return Arrays.stream(values()).filter(f -> f.openAi && f.id.equals(name)).findFirst().orElseThrow(() ->
                new UserError("response_format: '" + name + "' is not one of " + String.join(", ", names)));
    }

    /** The format a file's extension names: .srt, .vtt, .txt, or .json for the pipeline's output. */
    public static TranscriptFormat forFile(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        for (TranscriptFormat format : List.of(SRT, VTT, TEXT, PIPELINE)) {
            if (name.endsWith(format.extension)) {
                return format;
            }
        }
        throw new UserError(file + ": cannot tell the transcript format from the file name; end it in .srt, .vtt,"
                + " .txt or .json (transformers' pipeline output)");
    }
}

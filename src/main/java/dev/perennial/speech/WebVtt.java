package dev.perennial.speech;

import java.util.List;

/**
 * WebVTT subtitles (.vtt, W3C WebVTT): the "WEBVTT" header and a blank line, then for each cue
 * {@code HH:MM:SS.mmm --> HH:MM:SS.mmm}, the text and a blank line. The text escapes '&', '<' and '>' as the
 * spec's cue text requires (so it never holds "-->"); a cue with no text is left out.
 */
final class WebVtt {

    private WebVtt() {
    }

    static String render(List<Cue> cues) {
        StringBuilder out = new StringBuilder("WEBVTT\n\n");
        for (Cue cue : cues) {
            String text = escape(cue.lines());
            if (text.isEmpty()) {
                continue;
            }
            out.append(Cue.time(cue.start(), '.')).append(" --> ").append(Cue.time(cue.end(), '.')).append('\n')
                    .append(text).append("\n\n");
        }
        return out.toString();
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}

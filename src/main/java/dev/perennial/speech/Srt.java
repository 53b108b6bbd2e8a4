package dev.perennial.speech;

import java.util.List;

/**
 * SubRip subtitles (.srt): numbered cues from 1, {@code HH:MM:SS,mmm --> HH:MM:SS,mmm}, the text, a blank line
 * after each. "-->" in the text becomes "->" (as OpenAI's whisper writes SRT: utils.SubtitlesWriter); a cue with no
 * text is left out, since its blank payload would end it.
 */
final class Srt {

    private Srt() {
    }

    static String render(List<Cue> cues) {
        StringBuilder out = new StringBuilder();
        int number = 0;
        for (Cue cue : cues) {
            String text = cue.lines().replace("-->", "->");
            if (text.isEmpty()) {
                continue;
            }
            out.append(++number).append('\n')
                    .append(Cue.time(cue.start(), ',')).append(" --> ").append(Cue.time(cue.end(), ',')).append('\n')
                    .append(text).append("\n\n");
        }
        return out.toString();
    }
}

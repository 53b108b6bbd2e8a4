package dev.perennial.speech;

import java.util.ArrayList;
import java.util.List;

/**
 * A segment with both its times known, as subtitles and OpenAI's segments need them. A time transformers left as
 * None is filled in: a missing start is the end of the cue before (0 for the first), a missing end the start of the
 * next segment that has one, else the end of the audio; an end never precedes its start. A transcript without
 * segments (timestamps not asked for) is one cue over the whole audio.
 */
record Cue(double start, double end, String text) {

    static List<Cue> of(Transcription transcription) {
        List<Segment> segments = transcription.transcript().segments();
        if (segments.isEmpty()) {
            String text = transcription.transcript().text();
            return text.isBlank() ? List.of() : List.of(new Cue(0, transcription.duration(), text));
        }
        List<Cue> cues = new ArrayList<>();
        double previousEnd = 0;
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            double start = s.hasStart() ? s.start() : previousEnd;
            double end = s.hasEnd() ? s.end() : nextStart(segments, i, transcription.duration());
            end = Math.max(start, end);
            cues.add(new Cue(start, end, s.text()));
            previousEnd = end;
        }
        return cues;
    }

    private static double nextStart(List<Segment> segments, int i, double duration) {
        for (Segment next : segments.subList(i + 1, segments.size())) {
            if (next.hasStart()) {
                return next.start();
            }
        }
        return duration;
    }

    /**
     * A subtitle time: hours (two digits at least), minutes, seconds and milliseconds, the last after
     * {@code decimalMarker} (',' in SRT, '.' in WebVTT); milliseconds rounded half to even as OpenAI's whisper
     * (utils.format_timestamp: round(seconds * 1000)).
     */
    static String time(double seconds, char decimalMarker) {
        long ms = (long) Math.rint(seconds * 1000.0);
        long hours = ms / 3_600_000;
        long minutes = ms / 60_000 % 60;
        long secs = ms / 1000 % 60;
        return String.format("%02d:%02d:%02d%c%03d", hours, minutes, secs, decimalMarker, ms % 1000);
    }

    /**
     * The cue text as subtitles hold it: without the leading space Whisper puts before words, and without blank
     * lines (a blank line ends a cue in SRT and WebVTT).
     */
    String lines() {
        return String.join("\n", text.strip().lines().map(String::strip).filter(l -> !l.isEmpty()).toList());
    }
}

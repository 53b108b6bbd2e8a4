package dev.perennial.audio;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.ReferenceFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The fixtures tools/reference/audio.py wrote with torchaudio 0.13 and ffmpeg 5.1 (src/test/resources/reference/audio). */
final class Reference {

    static final Path DIR = Path.of("src/test/resources/reference/audio");

    private Reference() {
    }

    static JsonNode index() {
        return ReferenceFiles.index(DIR);
    }

    static Path file(String relative) {
        return DIR.resolve(relative);
    }

    static byte[] fileBytes(String relative) {
        try {
            return Files.readAllBytes(DIR.resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static float[] floats(String relative) {
        return ReferenceFiles.floats(DIR.resolve(relative));
    }

    static double[] doubles(String relative) {
        return ReferenceFiles.doubles(DIR.resolve(relative));
    }

    /** The generated signal of that name (index "signals"), as float as it would be decoded. */
    static double[] signal(String name) {
        for (JsonNode s : index().get("signals")) {
            if (s.get("name").asText().equals(name)) {
                return doubles(s.get("expected").asText());
            }
        }
        throw new IllegalArgumentException("no signal " + name);
    }

    static double maxDiff(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs((double) a[i] - b[i]));
        }
        return max;
    }

    private static byte[] gunzip(String relative) {
        return ReferenceFiles.gunzip(DIR.resolve(relative));
    }
}

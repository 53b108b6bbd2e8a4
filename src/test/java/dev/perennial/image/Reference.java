package dev.perennial.image;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.ReferenceFiles;

import java.nio.file.Path;

/** The fixtures tools/reference/images.py wrote with Pillow 9.4 and numpy (src/test/resources/reference/images). */
final class Reference {

    static final Path DIR = Path.of("src/test/resources/reference/images");

    private Reference() {
    }

    static JsonNode index() {
        return ReferenceFiles.index(DIR);
    }

    static byte[] bytes(String relative) {
        return ReferenceFiles.gunzip(DIR.resolve(relative));
    }

    static float[] floats(String relative) {
        return ReferenceFiles.floats(DIR.resolve(relative));
    }

    static RgbImage image(String relative) {
        return ImageFiles.read(DIR.resolve(relative));
    }

    /** The largest absolute difference between two equally long byte arrays read as 0–255. */
    static int maxDiff(byte[] a, byte[] b) {
        int max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs((a[i] & 0xFF) - (b[i] & 0xFF)));
        }
        return max;
    }
}

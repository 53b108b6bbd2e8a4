package dev.perennial.image;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Decoding equals Pillow 9.4's open → exif_transpose → convert("RGB") (tools/reference/images.py). */
class ImageFilesTest {

    @TestFactory
    List<DynamicTest> decodesLikePil() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : Reference.index().get("decode")) {
            String file = c.get("file").asText();
            tests.add(DynamicTest.dynamicTest(file + " (" + c.get("note").asText() + ")", () -> {
                RgbImage image = Reference.image(file);
                byte[] expected = Reference.bytes(c.get("expected").asText());
                assertThat(image.width()).isEqualTo(c.get("width").asInt());
                assertThat(image.height()).isEqualTo(c.get("height").asInt());
                int diff = Reference.maxDiff(image.rgb(), expected);
                if (file.endsWith("lossy.webp")) {
                    // Not bit-exact: TwelveMonkeys' VP8 decoder upsamples chroma by repetition and converts with
                    // its own Rec.601 table, libwebp (PIL) upsamples "fancily" in fixed point. Measured on this
                    // noisy picture: max 18, mean 4.3 (a gray lossy WebP: max 1). The bounds catch a wrong
                    // colour order or range (tens of levels everywhere), not these.
                    double mean = meanDiff(image.rgb(), expected);
                    System.out.printf("decode %s: max |Java - PIL| = %d, mean %.3f%n", file, diff, mean);
                    assertThat(diff).isLessThanOrEqualTo(32);
                    assertThat(mean).isLessThan(6.0);
                } else {
                    assertThat(diff).as("max |Java - PIL| for " + file).isEqualTo(0);
                }
            }));
        }
        return tests;
    }

    private static double meanDiff(byte[] a, byte[] b) {
        long sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs((a[i] & 0xFF) - (b[i] & 0xFF));
        }
        return (double) sum / a.length;
    }
}

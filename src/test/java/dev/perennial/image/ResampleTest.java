package dev.perennial.image;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link Resample#resize} equals Pillow 9.4's {@code Image.resize} bit for bit, for every filter, downscaling
 * and upscaling, odd sizes, one axis only, and 1×1 (tools/reference/images.py; sources are lossless PNGs).
 */
class ResampleTest {

    @TestFactory
    List<DynamicTest> resizesLikePil() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : Reference.index().get("resize")) {
            String file = c.get("file").asText();
            int w = c.get("width").asInt();
            int h = c.get("height").asInt();
            Resample filter = Resample.fromPil(c.get("resample").asInt(), "index.json");
            tests.add(DynamicTest.dynamicTest(file + " → " + w + "×" + h + " " + filter, () -> {
                RgbImage out = filter.resize(Reference.image(file), w, h);
                assertThat(out.width()).isEqualTo(w);
                assertThat(out.height()).isEqualTo(h);
                byte[] expected = Reference.bytes(c.get("expected").asText());
                assertThat(Reference.maxDiff(out.rgb(), expected)).as("max |Java - PIL|").isEqualTo(0);
            }));
        }
        assertThat(tests).hasSizeGreaterThan(80);
        return tests;
    }

    @Test
    void numbersAreTheOnesPilUses() {
        assertThat(Resample.fromPil(0, "x")).isEqualTo(Resample.NEAREST);
        assertThat(Resample.fromPil(1, "x")).isEqualTo(Resample.LANCZOS);
        assertThat(Resample.fromPil(2, "x")).isEqualTo(Resample.BILINEAR);
        assertThat(Resample.fromPil(3, "x")).isEqualTo(Resample.BICUBIC);
        assertThat(Resample.fromPil(4, "x")).isEqualTo(Resample.BOX);
        assertThat(Resample.fromPil(5, "x")).isEqualTo(Resample.HAMMING);
        assertThatThrownBy(() -> Resample.fromPil(6, "cfg.json"))
                .isInstanceOf(dev.perennial.UserError.class)
                .hasMessageContaining("cfg.json").hasMessageContaining("3 (bicubic)");
    }

    @Test
    void sameSizeIsACopy() {
        RgbImage in = new RgbImage(2, 1, new byte[] {1, 2, 3, 4, 5, 6});
        RgbImage out = Resample.BICUBIC.resize(in, 2, 1);
        assertThat(out.rgb()).containsExactly(1, 2, 3, 4, 5, 6).isNotSameAs(in.rgb());
    }
}

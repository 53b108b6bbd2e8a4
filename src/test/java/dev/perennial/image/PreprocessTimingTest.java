package dev.perennial.image;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import javax.imageio.ImageIO;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Decoding a 640×480 JPEG and computing CLIP's 224×224 pixel values, timed and printed (never asserted: timings
 * are reported, see docs/architecture.md).
 */
class PreprocessTimingTest {

    @Test
    void decodeAndPreprocessA640x480Jpeg() throws IOException {
        BufferedImage picture = new BufferedImage(640, 480, BufferedImage.TYPE_3BYTE_BGR);
        Random random = new Random(7);
        for (int y = 0; y < 480; y++) {
            for (int x = 0; x < 640; x++) {
                int r = (int) (128 + 100 * Math.sin(x / 37.0)) + random.nextInt(20);
                int g = (int) (128 + 100 * Math.cos(y / 23.0)) + random.nextInt(20);
                int b = (x * y / 1200) & 0xFF;
                picture.setRGB(x, y, Math.min(r, 255) << 16 | Math.min(g, 255) << 8 | b);
            }
        }
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        ImageIO.write(picture, "jpeg", jpeg);
        byte[] bytes = jpeg.toByteArray();
        ImageProcessor clip = new ImageProcessor(ImageProcessorConfig.clipDefaults());

        float[] values = null;
        long decodeNanos = 0;
        long preprocessNanos = 0;
        int runs = 50;
        for (int i = 0; i < runs + 20; i++) {
            long t0 = System.nanoTime();
            RgbImage image = ImageFiles.read(bytes, "timing.jpg");
            long t1 = System.nanoTime();
            values = clip.pixelValues(image);
            long t2 = System.nanoTime();
            if (i >= 20) { // the first runs warm the JIT up
                decodeNanos += t1 - t0;
                preprocessNanos += t2 - t1;
            }
        }
        System.out.printf("640×480 JPEG → CLIP 224×224 pixel values: decode %.2f ms + resize/crop/normalize %.2f ms"
                + " (mean of %d runs after warm-up)%n", decodeNanos / 1e6 / runs, preprocessNanos / 1e6 / runs, runs);
        assertThat(values).hasSize(3 * 224 * 224);
    }
}

package dev.perennial.image;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.util.BitSet;
import java.util.List;

/** An image with masks laid over it, each in its own colour at half opacity, written as PNG. */
public final class MaskPicture {

    /** The colours of the masks in order (the same palette as {@link BoxPicture}'s first three). */
    private static final int[] COLORS = {0xE6194B, 0x3CB44B, 0x4363D8, 0xF58231, 0x911EB4, 0x42D4F4};

    private MaskPicture() {
    }

    /**
     * {@code image} with each mask (row-major bits over the image, set where the mask is) blended in at half
     * opacity, later masks over earlier ones.
     */
    public static BufferedImage draw(RgbImage image, List<BitSet> masks) {
        int w = image.width();
        int h = image.height();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = image.get(x, y, 0);
                int g = image.get(x, y, 1);
                int b = image.get(x, y, 2);
                for (int m = 0; m < masks.size(); m++) {
                    if (masks.get(m).get(y * w + x)) {
                        int c = COLORS[m % COLORS.length];
                        r = (r + (c >> 16 & 0xFF)) / 2;
                        g = (g + (c >> 8 & 0xFF)) / 2;
                        b = (b + (c & 0xFF)) / 2;
                    }
                }
                out.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        return out;
    }

    /** {@link #draw} written as PNG onto {@code out}. */
    public static void writePng(RgbImage image, List<BitSet> masks, OutputStream out) throws IOException {
        ImageIO.write(draw(image, masks), "png", out);
    }
}

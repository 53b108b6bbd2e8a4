package dev.perennial.image;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * A depth map as the depth-estimation pipeline draws it (DepthEstimationPipeline.postprocess): each value scaled to
 * (d - min) / (max - min) · 255 in float32 and truncated to 8 bits, written as a greyscale PNG (near is bright for
 * MiDaS's inverse depth).
 *
 * @param grey one byte per pixel, row by row
 */
public record DepthPicture(int width, int height, byte[] grey) {

    public DepthPicture {
        if (grey.length != width * height) {
            throw new IllegalArgumentException("a " + width + "×" + height + " picture has " + width * height
                    + " pixels, not " + grey.length);
        }
    }

    /** The picture of {@code depth} (float32 values row by row); a constant map is all black. */
    public static DepthPicture of(float[] depth, int width, int height) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float d : depth) {
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        byte[] grey = new byte[depth.length];
        float range = max - min;
        if (range > 0) {
            for (int i = 0; i < depth.length; i++) {
                float scaled = (depth[i] - min) / range * 255f;
                grey[i] = (byte) (int) scaled;
            }
        }
        return new DepthPicture(width, height, grey);
    }

    /** The value at column x, row y, 0 to 255. */
    public int get(int x, int y) {
        return grey[y * width + x] & 0xFF;
    }

    public void writePng(OutputStream out) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setDataElements(0, 0, width, height, grey);
        ImageIO.write(image, "png", out);
    }

    /** The PNG file's bytes. */
    public byte[] png() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            writePng(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}

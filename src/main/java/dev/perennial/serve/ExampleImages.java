package dev.perennial.serve;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The pictures of the image apps' examples, drawn when the server starts rather than shipped: a coloured shape on
 * white, {@value #WIDTH}×{@value #HEIGHT}, as PNG. Plain enough that a CLIP model names the colour and the shape.
 */
final class ExampleImages {

    static final int WIDTH = 96;
    static final int HEIGHT = 72;

    enum Shape { CIRCLE, SQUARE }

    private ExampleImages() {
    }

    static byte[] png(Shape shape, Color colour) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        var g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        g.setColor(colour);
        int size = HEIGHT * 3 / 4;
        int x = (WIDTH - size) / 2;
        int y = (HEIGHT - size) / 2;
        switch (shape) {
            case CIRCLE -> g.fillOval(x, y, size, size);
            case SQUARE -> g.fillRect(x, y, size, size);
        }
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}

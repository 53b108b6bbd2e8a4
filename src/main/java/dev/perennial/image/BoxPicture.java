package dev.perennial.image;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/** An image with labelled boxes drawn over it (Java2D), written as PNG: what a detection looks like. */
public final class BoxPicture {

    /** A box in pixels (corners, as the detection pipeline gives them) and the caption drawn above it. */
    public record LabelledBox(String caption, int xmin, int ymin, int xmax, int ymax) {
    }

    private static final Color[] COLORS = {new Color(0xE6194B), new Color(0x3CB44B), new Color(0x4363D8),
            new Color(0xF58231), new Color(0x911EB4), new Color(0x42D4F4), new Color(0xF032E6), new Color(0xBFEF45)};

    private BoxPicture() {
    }

    /** {@code image} with each box outlined and captioned, one colour per distinct caption text's first word. */
    public static BufferedImage draw(RgbImage image, List<LabelledBox> boxes) {
        BufferedImage out = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                out.setRGB(x, y, image.get(x, y, 0) << 16 | image.get(x, y, 1) << 8 | image.get(x, y, 2));
            }
        }
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            int line = Math.max(2, Math.min(image.width(), image.height()) / 200);
            g.setStroke(new BasicStroke(line));
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.max(10, Math.min(image.width(), image.height()) / 40)));
            FontMetrics metrics = g.getFontMetrics();
            for (LabelledBox b : boxes) {
                Color color = COLORS[Math.floorMod(b.caption().split(" ")[0].hashCode(), COLORS.length)];
                g.setColor(color);
                g.drawRect(b.xmin(), b.ymin(), Math.max(1, b.xmax() - b.xmin()), Math.max(1, b.ymax() - b.ymin()));
                int textWidth = metrics.stringWidth(b.caption()) + 6;
                int textHeight = metrics.getHeight();
                int top = b.ymin() - textHeight >= 0 ? b.ymin() - textHeight : b.ymin();
                g.fillRect(b.xmin(), top, textWidth, textHeight);
                g.setColor(Color.WHITE);
                g.drawString(b.caption(), b.xmin() + 3, top + metrics.getAscent());
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    /** {@link #draw} written as PNG onto {@code out}. */
    public static void writePng(RgbImage image, List<LabelledBox> boxes, OutputStream out) throws IOException {
        ImageIO.write(draw(image, boxes), "png", out);
    }
}

package dev.perennial.image;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import org.w3c.dom.Node;

/**
 * A GIF's first frame as Pillow 9.4 shows it (GifImagePlugin {@code _seek(0)} and {@code load_prepare}): the image
 * is the logical screen, grown to hold the frame if the frame reaches past it; outside the frame it holds the
 * frame's transparent index, or index 0 without one, looked up in the frame's palette.
 */
final class Gif {

    private Gif() {
    }

    static RgbImage onScreen(RgbImage frame, BufferedImage decoded, ImageReader reader, String name)
            throws IOException {
        Node stream = reader.getStreamMetadata().getAsTree("javax_imageio_gif_stream_1.0");
        Node image = reader.getImageMetadata(0).getAsTree("javax_imageio_gif_image_1.0");
        IIOMetadataNode screen = child(stream, "LogicalScreenDescriptor");
        IIOMetadataNode descriptor = child(image, "ImageDescriptor");
        if (screen == null || descriptor == null) {
            return frame;
        }
        int left = Integer.parseInt(descriptor.getAttribute("imageLeftPosition"));
        int top = Integer.parseInt(descriptor.getAttribute("imageTopPosition"));
        int width = Math.max(Integer.parseInt(screen.getAttribute("logicalScreenWidth")), left + frame.width());
        int height = Math.max(Integer.parseInt(screen.getAttribute("logicalScreenHeight")), top + frame.height());
        if (left == 0 && top == 0 && width == frame.width() && height == frame.height()) {
            return frame;
        }
        if ((long) width * height > ImageFiles.MAX_PIXELS) {
            throw new dev.perennial.UserError(name + ": the GIF's screen is " + width + "×" + height + ", more than "
                    + ImageFiles.MAX_PIXELS / 1_000_000 + " megapixels; resize it first");
        }
        int fill = 0;
        IIOMetadataNode control = child(image, "GraphicControlExtension");
        if (control != null && "TRUE".equalsIgnoreCase(control.getAttribute("transparentColorFlag"))) {
            fill = Integer.parseInt(control.getAttribute("transparentColorIndex"));
        }
        byte r = 0;
        byte g = 0;
        byte b = 0;
        if (decoded.getColorModel() instanceof IndexColorModel icm && fill < icm.getMapSize()) {
            r = (byte) icm.getRed(fill);
            g = (byte) icm.getGreen(fill);
            b = (byte) icm.getBlue(fill);
        }
        byte[] out = new byte[width * height * 3];
        for (int i = 0; i < out.length; i += 3) {
            out[i] = r;
            out[i + 1] = g;
            out[i + 2] = b;
        }
        for (int y = 0; y < frame.height(); y++) {
            System.arraycopy(frame.rgb(), y * frame.width() * 3, out, ((top + y) * width + left) * 3,
                    frame.width() * 3);
        }
        return new RgbImage(width, height, out);
    }

    private static IIOMetadataNode child(Node parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeName().equals(name)) {
                return (IIOMetadataNode) n;
            }
        }
        return null;
    }
}

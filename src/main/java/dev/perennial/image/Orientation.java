package dev.perennial.image;

/**
 * {@code ImageOps.exif_transpose}: EXIF orientation n is undone with Pillow's transpose method
 * {2: FLIP_LEFT_RIGHT, 3: ROTATE_180, 4: FLIP_TOP_BOTTOM, 5: TRANSPOSE, 6: ROTATE_270, 7: TRANSVERSE, 8: ROTATE_90}
 * (PIL rotates counter-clockwise, so ROTATE_270 turns the picture a quarter clockwise).
 */
final class Orientation {

    private Orientation() {
    }

    static RgbImage apply(RgbImage in, int orientation) {
        if (orientation < 2 || orientation > 8) {
            return in;
        }
        int w = in.width();
        int h = in.height();
        boolean swap = orientation >= 5;
        int ow = swap ? h : w;
        int oh = swap ? w : h;
        byte[] src = in.rgb();
        byte[] out = new byte[src.length];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> { sx = w - 1 - x; sy = y; }            // FLIP_LEFT_RIGHT
                    case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }    // ROTATE_180
                    case 4 -> { sx = x; sy = h - 1 - y; }            // FLIP_TOP_BOTTOM
                    case 5 -> { sx = y; sy = x; }                    // TRANSPOSE
                    case 6 -> { sx = y; sy = h - 1 - x; }            // ROTATE_270
                    case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }    // TRANSVERSE
                    default -> { sx = w - 1 - y; sy = x; }           // 8: ROTATE_90
                }
                int s = (sy * w + sx) * 3;
                int d = (y * ow + x) * 3;
                out[d] = src[s];
                out[d + 1] = src[s + 1];
                out[d + 2] = src[s + 2];
            }
        }
        return new RgbImage(ow, oh, out);
    }
}

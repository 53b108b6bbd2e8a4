package dev.perennial.image;

/**
 * An 8-bit RGB image: {@code rgb} holds {@code width × height} pixels row by row, three bytes (R, G, B) each, the
 * layout of a PIL "RGB" image as numpy sees it ({@code np.array(im)}, shape (height, width, 3)).
 */
public record RgbImage(int width, int height, byte[] rgb) {

    public RgbImage {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("an image needs a positive size, got " + width + "×" + height);
        }
        if (rgb == null || rgb.length != (long) width * height * 3) {
            throw new IllegalArgumentException("a " + width + "×" + height + " RGB image needs "
                    + (long) width * height * 3 + " bytes, got " + (rgb == null ? "none" : rgb.length));
        }
    }

    /** Channel {@code c} (0 red, 1 green, 2 blue) of the pixel at column x, row y, as 0–255. */
    public int get(int x, int y, int c) {
        return rgb[(y * width + x) * 3 + c] & 0xFF;
    }

    @Override
    public String toString() {
        return "RgbImage[" + width + "×" + height + "]";
    }
}

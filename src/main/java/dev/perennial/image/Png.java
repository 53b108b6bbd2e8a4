package dev.perennial.image;

/** The PNG facts ImageIO's pixels alone do not give: the IHDR's bit depth and colour type, and the eXIf chunk. */
final class Png {

    private Png() {
    }

    record Header(int bitDepth, int colorType) {
    }

    /** IHDR is the first chunk: 8 signature bytes, length, "IHDR", width, height, bit depth, colour type. */
    static Header header(byte[] b) {
        if (b.length < 26) {
            return new Header(8, 2);
        }
        return new Header(b[24] & 0xFF, b[25] & 0xFF);
    }

    /** The eXIf chunk's TIFF bytes (wherever it is; Pillow loads the whole file before reading EXIF), or null. */
    static byte[] exif(byte[] b) {
        int p = 8;
        while (p + 8 <= b.length) {
            long length = Exif.u32(b, p, false);
            String type = new String(b, p + 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
            if (length < 0 || p + 12 + length > b.length) {
                return null;
            }
            if (type.equals("eXIf")) {
                return java.util.Arrays.copyOfRange(b, p + 8, p + 8 + (int) length);
            }
            if (type.equals("IEND")) {
                return null;
            }
            p += 12 + (int) length;
        }
        return null;
    }
}

package dev.perennial.image;

/**
 * The EXIF orientation tag (0x0112) of IFD0, read where Pillow 9.4's {@code getexif} finds it: a JPEG's first
 * "Exif" APP1, a PNG's eXIf chunk or "Raw profile type exif" text, a WebP's EXIF chunk, and, when the EXIF has no
 * orientation, a PNG's XMP ({@code tiff:Orientation}). GIF and BMP have none.
 */
final class Exif {

    private Exif() {
    }

    /** The orientation 1–8, or 1 when there is none or it cannot be read. */
    static int orientation(byte[] file, ImageFiles.Format format) {
        try {
            return read(file, format);
        } catch (RuntimeException e) {
            return 1; // malformed metadata: Pillow, too, shows such an image as stored
        }
    }

    private static int read(byte[] file, ImageFiles.Format format) {
        String xmp = null;
        byte[] tiff = switch (format) {
            case JPEG -> Jpeg.scan(file).exif();
            case PNG -> {
                Png.Metadata m = Png.metadata(file);
                xmp = m.xmp();
                yield m.exif();
            }
            case WEBP -> webp(file);
            default -> null;
        };
        int fromExif = fromTiff(tiff);
        if (fromExif != 0) {
            return fromExif;
        }
        // Image.getexif: "if 0x0112 not in self._exif", the XMP's tiff:Orientation (only a PNG's XMP is looked at)
        if (xmp != null) {
            java.util.regex.Matcher m = XMP_ORIENTATION.matcher(xmp);
            if (m.find()) {
                int value = Integer.parseInt(m.group(2));
                return value >= 1 && value <= 8 ? value : 1;
            }
        }
        return 1;
    }

    private static final java.util.regex.Pattern XMP_ORIENTATION =
            java.util.regex.Pattern.compile("tiff:Orientation(=\"|>)([0-9])");

    /** The orientation in EXIF's TIFF bytes: 1–8 as exif_transpose uses it, 1 for other values, 0 if absent. */
    private static int fromTiff(byte[] tiff) {
        if (tiff == null) {
            return 0;
        }
        if (ImageFiles.startsWith(tiff, 0, 'E', 'x', 'i', 'f', 0, 0)) {
            tiff = java.util.Arrays.copyOfRange(tiff, 6, tiff.length);
        }
        try {
            return orientationOf(tiff);
        } catch (IndexOutOfBoundsException e) {
            return 0;
        }
    }

    private static int orientationOf(byte[] t) {
        boolean little;
        if (ImageFiles.startsWith(t, 0, 'I', 'I', 42, 0)) {
            little = true;
        } else if (ImageFiles.startsWith(t, 0, 'M', 'M', 0, 42)) {
            little = false;
        } else {
            return 0;
        }
        int ifd = (int) u32(t, 4, little);
        int count = u16(t, ifd, little);
        for (int i = 0; i < count; i++) {
            int e = ifd + 2 + i * 12;
            if (u16(t, e, little) == 0x0112) {
                int type = u16(t, e + 2, little);
                int value = type == 4 ? (int) u32(t, e + 8, little) : u16(t, e + 8, little);
                return value >= 1 && value <= 8 ? value : 1;
            }
        }
        return 0;
    }

    private static byte[] webp(byte[] b) {
        int p = 12;
        while (p + 8 <= b.length) {
            String type = new String(b, p, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
            long size = u32(b, p + 4, true);
            if (size < 0 || p + 8 + size > b.length) {
                return null;
            }
            if (type.equals("EXIF")) {
                return java.util.Arrays.copyOfRange(b, p + 8, p + 8 + (int) size);
            }
            p += 8 + (int) size + (int) (size & 1);
        }
        return null;
    }

    static int u16(byte[] b, int p, boolean little) {
        int a = b[p] & 0xFF;
        int c = b[p + 1] & 0xFF;
        return little ? a | c << 8 : a << 8 | c;
    }

    static long u32(byte[] b, int p, boolean little) {
        long v = 0;
        for (int i = 0; i < 4; i++) {
            long byteValue = b[p + (little ? 3 - i : i)] & 0xFF;
            v = v << 8 | byteValue;
        }
        return v;
    }
}

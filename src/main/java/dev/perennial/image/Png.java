package dev.perennial.image;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/** The PNG facts ImageIO's pixels alone do not give: the IHDR's bit depth and colour type, and EXIF and XMP. */
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

    /**
     * What Pillow 9.4's {@code getexif} reads from a PNG (it loads the whole file first, so chunks after IDAT
     * count): the eXIf chunk, else the hex of a "Raw profile type exif" text chunk (ImageMagick's way), and the
     * XMP of an "XML:com.adobe.xmp" text chunk, whose {@code tiff:Orientation} is used when the EXIF has none.
     */
    record Metadata(byte[] exif, String xmp) {
    }

    static Metadata metadata(byte[] b) {
        byte[] exif = null;
        byte[] rawProfile = null;
        String xmp = null;
        int p = 8;
        while (p + 8 <= b.length) {
            long length = Exif.u32(b, p, false);
            String type = new String(b, p + 4, 4, StandardCharsets.ISO_8859_1);
            if (length < 0 || p + 12 + length > b.length || type.equals("IEND")) {
                break;
            }
            int start = p + 8;
            int end = start + (int) length;
            try {
                switch (type) {
                    case "eXIf" -> {
                        if (exif == null) {
                            exif = Arrays.copyOfRange(b, start, end);
                        }
                    }
                    case "tEXt", "zTXt", "iTXt" -> {
                        String[] text = text(type, b, start, end);
                        if (text != null && text[0].equals("Raw profile type exif")) {
                            rawProfile = rawProfile(text[1]);
                        } else if (text != null && text[0].equals("XML:com.adobe.xmp")) {
                            xmp = text[1];
                        }
                    }
                    default -> {
                    }
                }
            } catch (RuntimeException | DataFormatException e) {
                // an unreadable text chunk carries no orientation; Pillow skips such chunks too
            }
            p = end + 4;
        }
        return new Metadata(exif != null ? exif : rawProfile, xmp);
    }

    /** {keyword, text} of a tEXt (Latin-1), zTXt (zlib, Latin-1) or iTXt (UTF-8, maybe zlib) chunk. */
    private static String[] text(String type, byte[] b, int start, int end) throws DataFormatException {
        int nul = indexOf(b, start, end);
        if (nul < 0) {
            return null;
        }
        String keyword = new String(b, start, nul - start, StandardCharsets.ISO_8859_1);
        switch (type) {
            case "tEXt":
                return new String[] {keyword, new String(b, nul + 1, end - nul - 1, StandardCharsets.ISO_8859_1)};
            case "zTXt":
                return new String[] {keyword, new String(inflate(b, nul + 2, end), StandardCharsets.ISO_8859_1)};
            default: {
                boolean compressed = b[nul + 1] != 0;
                int lang = indexOf(b, nul + 3, end);
                int translated = lang < 0 ? -1 : indexOf(b, lang + 1, end);
                if (translated < 0) {
                    return null;
                }
                byte[] body = compressed ? inflate(b, translated + 1, end)
                        : Arrays.copyOfRange(b, translated + 1, end);
                return new String[] {keyword, new String(body, StandardCharsets.UTF_8)};
            }
        }
    }

    /** Pillow: {@code bytes.fromhex("".join(text.split("\n")[3:]))}. */
    private static byte[] rawProfile(String text) {
        String[] lines = text.split("\n", -1);
        StringBuilder hex = new StringBuilder();
        for (int i = 3; i < lines.length; i++) {
            hex.append(lines[i]);
        }
        String digits = hex.toString().replaceAll("\\s", "");
        return HexFormat.of().parseHex(digits);
    }

    private static int indexOf(byte[] b, int from, int end) {
        for (int i = from; i < end; i++) {
            if (b[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] inflate(byte[] b, int from, int end) throws DataFormatException {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(b, from, end - from);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                out.write(buffer, 0, n);
                if (out.size() > (1 << 24)) {
                    break;
                }
            }
            return out.toByteArray();
        } finally {
            inflater.end();
        }
    }
}

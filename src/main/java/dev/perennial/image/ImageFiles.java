package dev.perennial.image;

import dev.perennial.UserError;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Image files to RGB pixels exactly as Hugging Face's {@code transformers.image_utils.load_image} gives them:
 * {@code PIL.Image.open} → {@code ImageOps.exif_transpose} → {@code .convert("RGB")} (Pillow 9.4). That means:
 * <ul>
 *   <li>alpha is dropped, not composited (Convert.c {@code rgba2rgb}, {@code la2rgb});</li>
 *   <li>palettes are looked up, a transparent index keeps its palette colour;</li>
 *   <li>16-bit PNGs keep their high byte, except 16-bit grayscale, which PIL opens as mode "I" and
 *   {@code i2rgb} clips to 0–255;</li>
 *   <li>CMYK JPEGs are read as Adobe-inverted CMYK and converted with PIL's naive {@code cmyk2rgb}, with no ICC
 *   profile (see {@link #cmykToRgb});</li>
 *   <li>the EXIF orientation (JPEG APP1, PNG eXIf, WebP EXIF) is applied as {@code exif_transpose} does.</li>
 * </ul>
 * Decoding is ImageIO's (PNG, GIF, BMP, baseline and progressive JPEG) plus TwelveMonkeys (CMYK JPEG, WebP). A GIF
 * gives its first frame.
 */
public final class ImageFiles {

    /** The most pixels an image may have (PIL's own decompression-bomb error starts at about 179 million). */
    public static final long MAX_PIXELS = 100_000_000L;

    /** The largest image file read (an uncompressed 100-megapixel BMP is 300 MiB). */
    public static final long MAX_FILE_BYTES = 512L << 20;

    /** What the error messages list. */
    public static final String SUPPORTED = "PNG, JPEG, GIF, WebP or BMP";

    static {
        ImageIO.setUseCache(false);
    }

    private ImageFiles() {
    }

    enum Format {
        PNG("PNG"), JPEG("JPEG"), GIF("GIF"), WEBP("WebP"), BMP("BMP");

        final String label;

        Format(String label) {
            this.label = label;
        }
    }

    /** Reads and decodes an image file. */
    public static RgbImage read(Path path) {
        byte[] bytes;
        try {
            long size = Files.size(path);
            if (size > MAX_FILE_BYTES) {
                throw new UserError(path + ": the image file is " + size / (1 << 20) + " MiB, more than the "
                        + MAX_FILE_BYTES / (1 << 20) + " MiB allowed; give a smaller " + SUPPORTED + " image");
            }
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new UserError(path + ": no such image file");
        } catch (IOException e) {
            throw new UserError(path + ": cannot read the image file (" + e.getMessage() + ")", e);
        }
        return read(bytes, path.toString());
    }

    /** Decodes an image held in memory (an upload); {@code name} is what error messages call it. */
    public static RgbImage read(byte[] bytes, String name) {
        if (bytes.length == 0) {
            throw new UserError(name + ": the image file is empty; give a " + SUPPORTED + " image");
        }
        Format format = sniff(bytes);
        if (format == null) {
            throw new UserError(name + ": not a supported image (unrecognised content); give a " + SUPPORTED
                    + " image");
        }
        RgbImage image;
        try {
            image = switch (format) {
                case JPEG -> readJpeg(bytes, name);
                case PNG -> readImageIo(bytes, name, format, "png", Png.header(bytes));
                case GIF -> readImageIo(bytes, name, format, "gif", null);
                case BMP -> readImageIo(bytes, name, format, "bmp", null);
                case WEBP -> {
                    // the RIFF header holds the file's length; TwelveMonkeys decodes a cut lossless WebP silently
                    long riff = Exif.u32(bytes, 4, true) + 8;
                    if (bytes.length < riff) {
                        throw new UserError(name + ": the WebP image is truncated (" + bytes.length + " of " + riff
                                + " bytes); give a complete " + SUPPORTED + " image");
                    }
                    yield readImageIo(bytes, name, format, "webp", null);
                }
            };
        } catch (UserError e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw corrupt(name, format, e);
        }
        return Orientation.apply(image, Exif.orientation(bytes, format));
    }

    static Format sniff(byte[] b) {
        if (startsWith(b, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return Format.PNG;
        }
        if (startsWith(b, 0, 0xFF, 0xD8, 0xFF)) {
            return Format.JPEG;
        }
        if (startsWith(b, 0, 'G', 'I', 'F', '8')) {
            return Format.GIF;
        }
        if (startsWith(b, 0, 'B', 'M')) {
            return Format.BMP;
        }
        if (startsWith(b, 0, 'R', 'I', 'F', 'F') && startsWith(b, 8, 'W', 'E', 'B', 'P')) {
            return Format.WEBP;
        }
        return null;
    }

    static boolean startsWith(byte[] b, int at, int... magic) {
        if (b.length < at + magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((b[at + i] & 0xFF) != magic[i]) {
                return false;
            }
        }
        return true;
    }

    private static UserError corrupt(String name, Format format, Exception e) {
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new UserError(name + ": cannot decode this " + format.label + " image, it is corrupt or truncated (" + why
                + "); give a complete " + SUPPORTED + " image", e);
    }

    private static ImageReader reader(String formatName, boolean twelveMonkeys) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(formatName);
        ImageReader fallback = null;
        while (readers.hasNext()) {
            ImageReader r = readers.next();
            boolean tm = r.getClass().getName().startsWith("com.twelvemonkeys.");
            if (tm == twelveMonkeys) {
                return r;
            }
            if (fallback == null) {
                fallback = r;
            }
        }
        if (fallback == null) {
            throw new IllegalStateException("no ImageIO reader for " + formatName + " on the class path");
        }
        return fallback;
    }

    /** Opens the reader on the bytes, checks the size from the header, and collects warnings. */
    private static List<String> open(ImageReader reader, ImageInputStream in, String name) throws IOException {
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        reader.setInput(in, true, true);
        long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
        if (pixels > MAX_PIXELS) {
            throw new UserError(name + ": the image is " + reader.getWidth(0) + "×" + reader.getHeight(0) + " ("
                    + pixels / 1_000_000 + " megapixels), more than the " + MAX_PIXELS / 1_000_000
                    + " allowed; resize it first");
        }
        return warnings;
    }

    private static RgbImage readImageIo(byte[] bytes, String name, Format format, String formatName, Png.Header png)
            throws IOException {
        ImageReader reader = reader(formatName, format == Format.WEBP);
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            open(reader, in, name);
            BufferedImage image = reader.read(0);
            boolean gray16Clips = png != null && png.colorType() == 0 && png.bitDepth() == 16;
            RgbImage rgb = toRgb(image, gray16Clips);
            return format == Format.GIF ? Gif.onScreen(rgb, image, reader, name) : rgb;
        } finally {
            reader.dispose();
        }
    }

    private static RgbImage readJpeg(byte[] bytes, String name) throws IOException {
        Jpeg.Info info = Jpeg.scan(bytes);
        if (!info.complete()) {
            throw new UserError(name + ": the JPEG image is truncated (no end-of-image marker); give a complete "
                    + SUPPORTED + " image");
        }
        if (info.components() == 4) {
            // TwelveMonkeys decodes the raw 4-component samples; PIL then inverts them ("CMYK;I", Adobe
            // convention, always) and converts naively.
            ImageReader reader = reader("jpeg", true);
            try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
                open(reader, in, name);
                Raster raster = reader.readRaster(0, null);
                if (raster.getNumBands() != 4) {
                    throw new IIOException("a 4-component JPEG decoded to " + raster.getNumBands() + " bands");
                }
                int w = raster.getWidth();
                int h = raster.getHeight();
                byte[] samples = new byte[w * h * 4];
                raster.getDataElements(raster.getMinX(), raster.getMinY(), w, h, samples);
                Jpeg.fancyVerticalUpsampling(samples, w, h, 4, info);
                // libjpeg (jdapimin.c default_decompress_parms): 4 components are CMYK without an Adobe marker
                // or with transform 0, YCCK with any other transform
                return cmykToRgb(samples, w, h, info.adobeTransform() > 0);
            } finally {
                reader.dispose();
            }
        }
        // The JDK's decoder is IJG libjpeg (islow IDCT, fancy upsampling), which decodes like PIL's libjpeg-turbo.
        // Its raw raster is taken and converted here as libjpeg converts: read() would also apply an embedded ICC
        // profile, which PIL ignores.
        ImageReader reader = reader("jpeg", false);
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            List<String> warnings = open(reader, in, name);
            Raster raster = reader.readRaster(0, null);
            for (String w : warnings) {
                if (w.contains("Premature end")) {
                    throw new UserError(name + ": the JPEG image is truncated (" + w + "); give a complete "
                            + SUPPORTED + " image");
                }
            }
            int bands = raster.getNumBands();
            if (bands != 1 && bands != 3) {
                throw new IIOException("a JPEG with " + bands + " components");
            }
            int w = raster.getWidth();
            int h = raster.getHeight();
            byte[] samples = new byte[w * h * bands];
            raster.getDataElements(raster.getMinX(), raster.getMinY(), w, h, samples);
            if (bands == 1) {
                byte[] rgb = new byte[w * h * 3];
                for (int i = 0; i < samples.length; i++) {
                    rgb[3 * i] = samples[i];
                    rgb[3 * i + 1] = samples[i];
                    rgb[3 * i + 2] = samples[i];
                }
                return new RgbImage(w, h, rgb);
            }
            Jpeg.fancyVerticalUpsampling(samples, w, h, 3, info);
            if (info.ycbcr()) {
                Jpeg.yccToRgb(samples);
            }
            return new RgbImage(w, h, samples);
        } finally {
            reader.dispose();
        }
    }

    /**
     * Convert.c {@code cmyk2rgb} on PIL's CMYK, which is 255 minus the decoder's samples ("CMYK;I"):
     * {@code nk = 255 - k; out = clip8(nk - muldiv255(c, nk))}. The raw samples of a YCCK JPEG (Adobe transform
     * 2) are first turned into CMYK as libjpeg's {@code ycck_cmyk_convert} does.
     */
    static RgbImage cmykToRgb(byte[] samples, int w, int h, boolean ycck) {
        byte[] out = new byte[w * h * 3];
        int o = 0;
        for (int i = 0; i < samples.length; i += 4) {
            int c = samples[i] & 0xFF;
            int m = samples[i + 1] & 0xFF;
            int ye = samples[i + 2] & 0xFF;
            int k = samples[i + 3] & 0xFF;
            if (ycck) {
                int[] cmy = Jpeg.ycc2cmy(c, m, ye);
                c = cmy[0];
                m = cmy[1];
                ye = cmy[2];
            }
            c = 255 - c;
            m = 255 - m;
            ye = 255 - ye;
            k = 255 - k;
            int nk = 255 - k;
            out[o++] = (byte) clip8(nk - mulDiv255(c, nk));
            out[o++] = (byte) clip8(nk - mulDiv255(m, nk));
            out[o++] = (byte) clip8(nk - mulDiv255(ye, nk));
        }
        return new RgbImage(w, h, out);
    }

    // ImagingUtils.h MULDIV255 and CLIP8
    private static int mulDiv255(int a, int b) {
        int tmp = a * b + 128;
        return ((tmp >> 8) + tmp) >> 8;
    }

    private static int clip8(int v) {
        return v <= 0 ? 0 : Math.min(v, 255);
    }

    /**
     * A decoded image's samples as PIL's convert("RGB") gives them: palettes looked up, gray replicated, alpha
     * dropped, 16-bit samples reduced to their high byte (or clipped, for 16-bit grayscale PNGs, PIL's mode "I").
     */
    static RgbImage toRgb(BufferedImage image, boolean gray16Clips) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] out = new byte[w * h * 3];
        Raster raster = image.getRaster();
        ColorModel cm = image.getColorModel();
        if (image.getType() == BufferedImage.TYPE_3BYTE_BGR
                && raster.getDataBuffer() instanceof DataBufferByte db && db.getNumBanks() == 1
                && raster.getMinX() == 0 && raster.getMinY() == 0 && raster.getParent() == null) {
            byte[] bgr = db.getData();
            for (int i = 0; i < w * h * 3; i += 3) {
                out[i] = bgr[i + 2];
                out[i + 1] = bgr[i + 1];
                out[i + 2] = bgr[i];
            }
            return new RgbImage(w, h, out);
        }
        int bands = raster.getNumBands();
        int[] row = new int[w * bands];
        int o = 0;
        if (cm instanceof IndexColorModel icm) {
            for (int y = 0; y < h; y++) {
                raster.getPixels(raster.getMinX(), raster.getMinY() + y, w, 1, row);
                for (int x = 0; x < w; x++) {
                    int i = row[x * bands];
                    out[o++] = (byte) icm.getRed(i);
                    out[o++] = (byte) icm.getGreen(i);
                    out[o++] = (byte) icm.getBlue(i);
                }
            }
            return new RgbImage(w, h, out);
        }
        if (cm instanceof java.awt.image.DirectColorModel dcm) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    Object px = raster.getDataElements(raster.getMinX() + x, raster.getMinY() + y, null);
                    out[o++] = (byte) dcm.getRed(px);
                    out[o++] = (byte) dcm.getGreen(px);
                    out[o++] = (byte) dcm.getBlue(px);
                }
            }
            return new RgbImage(w, h, out);
        }
        int bits = raster.getSampleModel().getSampleSize(0);
        for (int y = 0; y < h; y++) {
            raster.getPixels(raster.getMinX(), raster.getMinY() + y, w, 1, row);
            for (int x = 0; x < w; x++) {
                int p = x * bands;
                if (bands <= 2) {
                    int g = eight(row[p], bits, gray16Clips);
                    out[o++] = (byte) g;
                    out[o++] = (byte) g;
                    out[o++] = (byte) g;
                } else {
                    out[o++] = (byte) eight(row[p], bits, false);
                    out[o++] = (byte) eight(row[p + 1], bits, false);
                    out[o++] = (byte) eight(row[p + 2], bits, false);
                }
            }
        }
        return new RgbImage(w, h, out);
    }

    private static int eight(int sample, int bits, boolean clip) {
        if (bits == 8) {
            return sample;
        }
        if (bits == 16) {
            return clip ? Math.min(sample, 255) : sample >> 8;
        }
        if (bits < 8) {
            return sample * 255 / ((1 << bits) - 1); // PIL's "L;2", "L;4" and "1" unpackers scale like this
        }
        throw new IllegalStateException("unexpected " + bits + "-bit samples");
    }
}

package dev.perennial.image;

/** A scan of a JPEG's markers up to the first scan: components, the Adobe transform, the first EXIF APP1. */
final class Jpeg {

    private Jpeg() {
    }

    /**
     * @param components the frame's component count (1 gray, 3 YCbCr/RGB, 4 CMYK/YCCK), 0 if no frame header
     * @param adobeTransform the APP14 "Adobe" transform byte, -1 without one
     * @param exif the TIFF bytes of the first "Exif" APP1 (Pillow keeps the first), or null
     * @param complete whether an end-of-image marker (FFD9) follows the first scan
     * @param jfif whether an APP0 "JFIF" marker is present
     * @param componentIds the frame's component identifiers, in order
     * @param hSampling each component's horizontal sampling factor
     * @param vSampling each component's vertical sampling factor
     */
    record Info(int components, int adobeTransform, byte[] exif, boolean complete, boolean jfif,
                int[] componentIds, int[] hSampling, int[] vSampling) {

        /**
         * Whether libjpeg reads three components as YCbCr (and converts them to RGB) rather than as RGB:
         * jdapimin.c {@code default_decompress_parms}: JFIF means YCbCr; else an Adobe marker means RGB for
         * transform 0 and YCbCr otherwise; else component ids 'R', 'G', 'B' mean RGB; anything else is YCbCr.
         */
        boolean ycbcr() {
            if (jfif) {
                return true;
            }
            if (adobeTransform >= 0) {
                return adobeTransform != 0;
            }
            return !(componentIds.length == 3 && componentIds[0] == 'R' && componentIds[1] == 'G'
                    && componentIds[2] == 'B');
        }
    }

    static Info scan(byte[] b) {
        int components = 0;
        int adobe = -1;
        byte[] exif = null;
        boolean jfif = false;
        int[] ids = new int[0];
        int[] hs = new int[0];
        int[] vs = new int[0];
        int p = 2;
        while (p + 4 <= b.length) {
            if ((b[p] & 0xFF) != 0xFF) {
                p++;
                continue;
            }
            int marker = b[p + 1] & 0xFF;
            if (marker == 0xFF) {
                p++;
                continue;
            }
            if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                p += 2;
                continue;
            }
            if (marker == 0xDA || marker == 0xD9) {
                break;
            }
            int length = ((b[p + 2] & 0xFF) << 8) | (b[p + 3] & 0xFF);
            int data = p + 4;
            int end = Math.min(b.length, p + 2 + length);
            if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
                    && data + 5 < end) {
                components = b[data + 5] & 0xFF;
                ids = new int[Math.max(0, Math.min(components, (end - data - 6) / 3))];
                hs = new int[ids.length];
                vs = new int[ids.length];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = b[data + 6 + 3 * i] & 0xFF;
                    hs[i] = (b[data + 7 + 3 * i] & 0xFF) >> 4;
                    vs[i] = b[data + 7 + 3 * i] & 0x0F;
                }
            } else if (marker == 0xE0 && ImageFiles.startsWith(b, data, 'J', 'F', 'I', 'F', 0)) {
                jfif = true;
            } else if (marker == 0xEE && end - data >= 12 && ImageFiles.startsWith(b, data, 'A', 'd', 'o', 'b', 'e')) {
                adobe = b[data + 11] & 0xFF;
            } else if (marker == 0xE1 && exif == null && ImageFiles.startsWith(b, data, 'E', 'x', 'i', 'f', 0)) {
                int start = ImageFiles.startsWith(b, data, 'E', 'x', 'i', 'f', 0, 0) ? data + 6 : data;
                exif = java.util.Arrays.copyOfRange(b, start, end);
            }
            p += 2 + length;
        }
        // Entropy-coded data never holds FFD9 (FF is stuffed as FF00), so an end-of-image marker after the first
        // scan header means the file is complete; trailing bytes after it are allowed, as libjpeg allows them.
        boolean complete = false;
        for (int i = Math.max(p, 2); i + 1 < b.length; i++) {
            if ((b[i] & 0xFF) == 0xFF && (b[i + 1] & 0xFF) == 0xD9) {
                complete = true;
                break;
            }
        }
        return new Info(components, adobe, exif, complete, jfif, ids, hs, vs);
    }

    // jdcolor.c build_ycc_rgb_table / ycck_cmyk_convert (SCALEBITS 16): YCC to inverted CMY, clamped.
    private static final int SCALEBITS = 16;
    private static final int ONE_HALF = 1 << (SCALEBITS - 1);

    private static int fix(double x) {
        return (int) (x * (1L << SCALEBITS) + 0.5);
    }

    private static final int[] CR_R = new int[256];
    private static final int[] CB_B = new int[256];
    private static final int[] CR_G = new int[256];
    private static final int[] CB_G = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int x = i - 128;
            CR_R[i] = (fix(1.40200) * x + ONE_HALF) >> SCALEBITS;
            CB_B[i] = (fix(1.77200) * x + ONE_HALF) >> SCALEBITS;
            CR_G[i] = -fix(0.71414) * x;
            CB_G[i] = -fix(0.34414) * x + ONE_HALF;
        }
    }

    /**
     * Redoes vertical-only 2× chroma upsampling the way libjpeg-turbo (PIL's decoder) does it. For a component
     * sampled at half the vertical rate and the full horizontal rate ("4:4:0"), libjpeg-turbo 2 uses
     * {@code h1v2_fancy_upsample} (jdsample.c): output row 2k is {@code (3·C[k] + C[k-1] + 1) >> 2}, row 2k+1 is
     * {@code (3·C[k] + C[k+1] + 2) >> 2}, the rows beyond the edges being copies of the edge rows (jdmainct.c).
     * The JDK's IJG libjpeg 6b replicates rows instead (int_upsample), so rows 2k of its output are the
     * component's samples C[k], from which the fancy rows are computed here. Every other sampling is upsampled
     * alike by both libraries (h2v1 and h2v2 fancy, integral factors by replication).
     */
    static void fancyVerticalUpsampling(byte[] samples, int width, int height, int bands, Info info) {
        if (info.vSampling().length != bands) {
            return;
        }
        int hmax = 0;
        int vmax = 0;
        for (int c = 0; c < bands; c++) {
            hmax = Math.max(hmax, info.hSampling()[c]);
            vmax = Math.max(vmax, info.vSampling()[c]);
        }
        for (int c = 0; c < bands; c++) {
            if (info.hSampling()[c] != hmax || info.vSampling()[c] * 2 != vmax) {
                continue;
            }
            int rows = (height + 1) / 2; // downsampled_height = ceil(height * v / vmax)
            int[][] plane = new int[rows][width];
            for (int k = 0; k < rows; k++) {
                int base = 2 * k * width * bands + c;
                for (int x = 0; x < width; x++) {
                    plane[k][x] = samples[base + x * bands] & 0xFF;
                }
            }
            for (int r = 0; r < height; r++) {
                int k = r >> 1;
                int[] near = plane[k];
                int[] far = (r & 1) == 0 ? plane[Math.max(k - 1, 0)] : plane[Math.min(k + 1, rows - 1)];
                int bias = (r & 1) == 0 ? 1 : 2;
                int base = r * width * bands + c;
                for (int x = 0; x < width; x++) {
                    samples[base + x * bands] = (byte) ((near[x] * 3 + far[x] + bias) >> 2);
                }
            }
        }
    }

    /** jdcolor.c {@code ycc_rgb_convert}: interleaved Y, Cb, Cr samples to R, G, B in place. */
    static void yccToRgb(byte[] samples) {
        for (int i = 0; i < samples.length; i += 3) {
            int y = samples[i] & 0xFF;
            int cb = samples[i + 1] & 0xFF;
            int cr = samples[i + 2] & 0xFF;
            samples[i] = (byte) limit(y + CR_R[cr]);
            samples[i + 1] = (byte) limit(y + ((CB_G[cb] + CR_G[cr]) >> SCALEBITS));
            samples[i + 2] = (byte) limit(y + CB_B[cb]);
        }
    }

    static int[] ycc2cmy(int y, int cb, int cr) {
        int xcr = cr - 128;
        int xcb = cb - 128;
        int crr = (fix(1.40200) * xcr + ONE_HALF) >> SCALEBITS;
        int cbb = (fix(1.77200) * xcb + ONE_HALF) >> SCALEBITS;
        int crg = -fix(0.71414) * xcr;
        int cbg = -fix(0.34414) * xcb + ONE_HALF;
        return new int[] {
            limit(255 - (y + crr)),
            limit(255 - (y + ((cbg + crg) >> SCALEBITS))),
            limit(255 - (y + cbb))
        };
    }

    private static int limit(int v) {
        return v < 0 ? 0 : Math.min(v, 255);
    }
}

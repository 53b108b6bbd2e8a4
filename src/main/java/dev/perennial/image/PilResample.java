package dev.perennial.image;

/**
 * Pillow 9.4's resizing of 8-bit images, ported line for line so that results are bit-identical:
 * <ul>
 *   <li>{@link #resample}: libImaging/Resample.c {@code ImagingResampleInner}. Coefficients come from
 *   {@code precompute_coeffs} (support scaled by the downscaling factor, i.e. antialiased), are normalised to sum 1
 *   in double and then to fixed point with {@code PRECISION_BITS} = 22 ({@code normalize_coeffs_8bpc}). The
 *   horizontal pass runs first, over only the rows the vertical pass will read; each pass rounds (adds half) and
 *   clips to 0–255, so the intermediate image is uint8 like PIL's. A pass whose size does not change is skipped.</li>
 *   <li>{@link #nearest}: libImaging/Geometry.c {@code ImagingScaleAffine} (what {@code _resize} in _imaging.c uses
 *   for NEAREST): source positions accumulate in double, {@code xo += a[0]}, starting at half a step.</li>
 * </ul>
 * The box is always the whole image (transformers never passes one).
 */
final class PilResample {

    private static final int PRECISION_BITS = 32 - 8 - 2;

    private PilResample() {
    }

    /** Coefficients for one axis: for output i, taps start at {@code bounds[2i]}, count {@code bounds[2i+1]}. */
    private record Coeffs(int ksize, int[] bounds, int[] kk) {
    }

    // Resample.c precompute_coeffs + normalize_coeffs_8bpc; in0/in1 are C floats, as there.
    private static Coeffs coeffs(int inSize, float in0, float in1, int outSize, Resample filter) {
        double scale = (double) (in1 - in0) / outSize;
        double filterscale = scale < 1.0 ? 1.0 : scale;
        double support = filter.support * filterscale;
        int ksize = (int) Math.ceil(support) * 2 + 1;
        double[] k = new double[ksize];
        int[] kk = new int[outSize * ksize];
        int[] bounds = new int[outSize * 2];
        for (int xx = 0; xx < outSize; xx++) {
            double center = in0 + (xx + 0.5) * scale;
            double ww = 0.0;
            double ss = 1.0 / filterscale;
            int xmin = (int) (center - support + 0.5);
            if (xmin < 0) {
                xmin = 0;
            }
            int xmax = (int) (center + support + 0.5);
            if (xmax > inSize) {
                xmax = inSize;
            }
            xmax -= xmin;
            for (int x = 0; x < xmax; x++) {
                double w = filter.filter((x + xmin - center + 0.5) * ss);
                k[x] = w;
                ww += w;
            }
            for (int x = 0; x < xmax; x++) {
                if (ww != 0.0) {
                    k[x] /= ww;
                }
                double v = k[x];
                kk[xx * ksize + x] = v < 0 ? (int) (-0.5 + v * (1 << PRECISION_BITS))
                        : (int) (0.5 + v * (1 << PRECISION_BITS));
            }
            bounds[xx * 2] = xmin;
            bounds[xx * 2 + 1] = xmax;
        }
        return new Coeffs(ksize, bounds, kk);
    }

    private static int clip8(int in) {
        int v = in >> PRECISION_BITS;
        return v < 0 ? 0 : Math.min(v, 255);
    }

    static RgbImage resample(RgbImage in, int xsize, int ysize, Resample filter) {
        int inW = in.width();
        int inH = in.height();
        boolean needHorizontal = xsize != inW;
        boolean needVertical = ysize != inH;
        Coeffs horiz = coeffs(inW, 0f, (float) inW, xsize, filter);
        Coeffs vert = coeffs(inH, 0f, (float) inH, ysize, filter);
        int yboxFirst = vert.bounds[0];
        int yboxLast = vert.bounds[ysize * 2 - 2] + vert.bounds[ysize * 2 - 1];

        byte[] src = in.rgb();
        int srcW = inW;
        int srcH = inH;
        int[] vbounds = vert.bounds;
        if (needHorizontal) {
            vbounds = vbounds.clone();
            for (int i = 0; i < ysize; i++) {
                vbounds[i * 2] -= yboxFirst;
            }
            int rows = yboxLast - yboxFirst;
            src = horizontal(src, inW, xsize, rows, yboxFirst, horiz);
            srcW = xsize;
            srcH = rows;
        }
        if (needVertical) {
            src = vertical(src, srcW, ysize, vbounds, vert.ksize, vert.kk);
            srcH = ysize;
        }
        if (!needHorizontal && !needVertical) {
            src = src.clone();
        }
        return new RgbImage(srcW, srcH, src);
    }

    private static byte[] horizontal(byte[] in, int inW, int outW, int rows, int offset, Coeffs c) {
        byte[] out = new byte[outW * rows * 3];
        int ksize = c.ksize;
        int[] kk = c.kk;
        int[] bounds = c.bounds;
        int half = 1 << (PRECISION_BITS - 1);
        for (int yy = 0; yy < rows; yy++) {
            int rowIn = (yy + offset) * inW * 3;
            int rowOut = yy * outW * 3;
            for (int xx = 0; xx < outW; xx++) {
                int xmin = bounds[xx * 2];
                int xmax = bounds[xx * 2 + 1];
                int kBase = xx * ksize;
                int ss0 = half;
                int ss1 = half;
                int ss2 = half;
                int p = rowIn + xmin * 3;
                for (int x = 0; x < xmax; x++, p += 3) {
                    int k = kk[kBase + x];
                    ss0 += (in[p] & 0xFF) * k;
                    ss1 += (in[p + 1] & 0xFF) * k;
                    ss2 += (in[p + 2] & 0xFF) * k;
                }
                int o = rowOut + xx * 3;
                out[o] = (byte) clip8(ss0);
                out[o + 1] = (byte) clip8(ss1);
                out[o + 2] = (byte) clip8(ss2);
            }
        }
        return out;
    }

    private static byte[] vertical(byte[] in, int w, int outH, int[] bounds, int ksize, int[] kk) {
        byte[] out = new byte[w * outH * 3];
        int stride = w * 3;
        int half = 1 << (PRECISION_BITS - 1);
        int[] acc = new int[stride];
        int[] row = new int[stride];
        for (int yy = 0; yy < outH; yy++) {
            int ymin = bounds[yy * 2];
            int ymax = bounds[yy * 2 + 1];
            int kBase = yy * ksize;
            java.util.Arrays.fill(acc, half);
            for (int y = 0; y < ymax; y++) {
                int k = kk[kBase + y];
                int base = (y + ymin) * stride;
                for (int i = 0; i < stride; i++) {
                    row[i] = in[base + i] & 0xFF;
                }
                for (int i = 0; i < stride; i++) {
                    acc[i] += row[i] * k; // int lanes: the JIT vectorizes this loop
                }
            }
            int o = yy * stride;
            for (int i = 0; i < stride; i++) {
                out[o + i] = (byte) clip8(acc[i]);
            }
        }
        return out;
    }

    /** Geometry.c ImagingScaleAffine with a = {(box width)/xsize, 0, 0, 0, (box height)/ysize, 0}; fill = 1. */
    static RgbImage nearest(RgbImage in, int xsize, int ysize) {
        int inW = in.width();
        int inH = in.height();
        double a0 = (double) (float) inW / xsize;
        double a4 = (double) (float) inH / ysize;
        int[] xintab = new int[xsize];
        double xo = 0 + a0 * 0.5;
        double yo = 0 + a4 * 0.5;
        int xmin = xsize;
        int xmax = 0;
        for (int x = 0; x < xsize; x++) {
            int xin = coord(xo);
            if (xin >= 0 && xin < inW) {
                xmax = x + 1;
                if (x < xmin) {
                    xmin = x;
                }
                xintab[x] = xin;
            }
            xo += a0;
        }
        byte[] src = in.rgb();
        byte[] out = new byte[xsize * ysize * 3];
        for (int y = 0; y < ysize; y++) {
            int yi = coord(yo);
            if (yi >= 0 && yi < inH) {
                int rowIn = yi * inW * 3;
                int rowOut = y * xsize * 3;
                for (int x = xmin; x < xmax; x++) {
                    int s = rowIn + xintab[x] * 3;
                    int d = rowOut + x * 3;
                    out[d] = src[s];
                    out[d + 1] = src[s + 1];
                    out[d + 2] = src[s + 2];
                }
            }
            yo += a4;
        }
        return new RgbImage(xsize, ysize, out);
    }

    private static int coord(double v) {
        return v < 0.0 ? -1 : (int) v;
    }
}

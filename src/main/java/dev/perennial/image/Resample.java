package dev.perennial.image;

import dev.perennial.UserError;

/**
 * PIL's resampling filters, numbered as PIL numbers them ({@code Image.Resampling}), since a
 * preprocessor_config.json stores {@code resample} as that number. {@link #resize} reproduces Pillow 9.4's
 * {@code Image.resize} on an RGB image bit for bit: {@link #NEAREST} is {@code ImagingScaleAffine}
 * (libImaging/Geometry.c), the others {@code ImagingResample} (libImaging/Resample.c), see {@link PilResample}.
 */
public enum Resample {
    NEAREST(0, 0.0),
    LANCZOS(1, 3.0),
    BILINEAR(2, 1.0),
    BICUBIC(3, 2.0),
    BOX(4, 0.5),
    HAMMING(5, 1.0);

    private final int pil;
    final double support;

    Resample(int pil, double support) {
        this.pil = pil;
        this.support = support;
    }

    /** PIL's number for this filter ({@code Image.Resampling.BICUBIC == 3}). */
    public int pil() {
        return pil;
    }

    /** The filter PIL numbers {@code code}; {@code where} names the file and field for the error. */
    public static Resample fromPil(int code, String where) {
        for (Resample r : values()) {
            if (r.pil == code) {
                return r;
            }
        }
        throw new UserError(where + ": resample " + code + " is not a PIL filter; use 0 (nearest), 1 (lanczos), "
                + "2 (bilinear), 3 (bicubic), 4 (box) or 5 (hamming)");
    }

    /** {@code image.resize((width, height), resample=this)} as Pillow 9.4 computes it for an RGB image. */
    public RgbImage resize(RgbImage image, int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("height and width must be > 0, got " + width + "×" + height);
        }
        if (width == image.width() && height == image.height()) {
            return new RgbImage(width, height, image.rgb().clone()); // Image.resize: same size is a copy
        }
        return this == NEAREST ? PilResample.nearest(image, width, height) : PilResample.resample(image, width, height, this);
    }

    /** The filter's kernel, as Resample.c defines it (double arithmetic, float constants where C has them). */
    double filter(double x) {
        switch (this) {
            case BOX:
                return x > -0.5 && x <= 0.5 ? 1.0 : 0.0;
            case BILINEAR:
                x = Math.abs(x);
                return x < 1.0 ? 1.0 - x : 0.0;
            case HAMMING:
                x = Math.abs(x);
                if (x == 0.0) {
                    return 1.0;
                }
                if (x >= 1.0) {
                    return 0.0;
                }
                x = x * Math.PI;
                return Math.sin(x) / x * ((double) 0.54f + (double) 0.46f * Math.cos(x));
            case BICUBIC: {
                final double a = -0.5;
                x = Math.abs(x);
                if (x < 1.0) {
                    return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
                }
                if (x < 2.0) {
                    return (((x - 5) * x + 8) * x - 4) * a;
                }
                return 0.0;
            }
            case LANCZOS:
                return -3.0 <= x && x < 3.0 ? sinc(x) * sinc(x / 3) : 0.0;
            default:
                throw new IllegalStateException("nearest has no kernel");
        }
    }

    private static double sinc(double x) {
        if (x == 0.0) {
            return 1.0;
        }
        x = x * Math.PI;
        return Math.sin(x) / x;
    }
}

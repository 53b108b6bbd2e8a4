package dev.perennial.image;

/**
 * The operations of transformers' image_transforms.py on 8-bit RGB images, each reproducing the slow (numpy)
 * implementation exactly, for any image processor to compose.
 */
public final class ImageTransforms {

    private ImageTransforms() {
    }

    /**
     * image_transforms.get_resize_output_image_size with {@code default_to_square=False} and no max_size:
     * the short side becomes {@code shortestEdge}, the long side {@code int(shortest_edge * long / short)}
     * (true division in double, then truncation). Returns {height, width}.
     */
    public static int[] shortestEdgeSize(int height, int width, int shortestEdge) {
        int shortSide = Math.min(width, height);
        int longSide = Math.max(width, height);
        int newLong = (int) ((double) ((long) shortestEdge * longSide) / shortSide);
        return width <= height ? new int[] {newLong, shortestEdge} : new int[] {shortestEdge, newLong};
    }

    /**
     * image_transforms.center_crop: offsets {@code (orig - crop) // 2} (floor division); where the crop is larger
     * than the image the image is first placed on zeros with {@code ceil((new - orig) / 2)} padding before it.
     */
    public static RgbImage centerCrop(RgbImage image, int cropHeight, int cropWidth) {
        int oh = image.height();
        int ow = image.width();
        int top = Math.floorDiv(oh - cropHeight, 2);
        int left = Math.floorDiv(ow - cropWidth, 2);
        if (top == 0 && left == 0 && oh == cropHeight && ow == cropWidth) {
            return image;
        }
        int topPad = 0;
        int leftPad = 0;
        if (top < 0 || left < 0) {
            int nh = Math.max(cropHeight, oh);
            int nw = Math.max(cropWidth, ow);
            topPad = (nh - oh + 1) / 2; // ceil((new - orig) / 2), non-negative
            leftPad = (nw - ow + 1) / 2;
            top += topPad;
            left += leftPad;
            // the slice [max(0, top), min(nh, bottom)) of an nh-high canvas is the whole crop here, since
            // nh >= cropHeight and top = floor((nh - cropHeight) / 2) after padding by ceil halves
        }
        byte[] src = image.rgb();
        byte[] out = new byte[cropHeight * cropWidth * 3];
        for (int y = 0; y < cropHeight; y++) {
            int sy = y + top - topPad; // row in the original image (outside it: zero padding)
            if (sy < 0 || sy >= oh) {
                continue;
            }
            for (int x = 0; x < cropWidth; x++) {
                int sx = x + left - leftPad;
                if (sx < 0 || sx >= ow) {
                    continue;
                }
                System.arraycopy(src, (sy * ow + sx) * 3, out, (y * cropWidth + x) * 3, 3);
            }
        }
        return new RgbImage(cropWidth, cropHeight, out);
    }

    /**
     * rescale then normalize, channels first: {@code float32(float64(v) * scale)} (image_transforms.rescale
     * upcasts to float64 and casts the product to float32), then {@code (x - float32(mean)) / float32(std)} in
     * float32 (image_transforms.normalize casts mean and std to the image's dtype). Without rescale, normalize
     * starts from {@code float32(v)}. Returns (3, height, width) values.
     */
    public static float[] toChannelsFirst(RgbImage image, boolean doRescale, double scale, boolean doNormalize,
                                          double[] mean, double[] std) {
        float[][] lut = new float[3][256];
        for (int c = 0; c < 3; c++) {
            float m = (float) mean[c];
            float s = (float) std[c];
            for (int v = 0; v < 256; v++) {
                float x = doRescale ? (float) (v * scale) : (float) v;
                lut[c][v] = doNormalize ? (x - m) / s : x;
            }
        }
        int plane = image.width() * image.height();
        float[] out = new float[3 * plane];
        byte[] rgb = image.rgb();
        float[] r = lut[0];
        float[] g = lut[1];
        float[] b = lut[2];
        for (int i = 0, p = 0; i < plane; i++, p += 3) {
            out[i] = r[rgb[p] & 0xFF];
            out[plane + i] = g[rgb[p + 1] & 0xFF];
            out[2 * plane + i] = b[rgb[p + 2] & 0xFF];
        }
        return out;
    }
}

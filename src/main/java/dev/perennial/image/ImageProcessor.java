package dev.perennial.image;

import java.nio.file.Path;

/**
 * An image processor's pixel values, as transformers' slow {@code CLIPImageProcessor.preprocess} computes them
 * (image_processing_clip.py): resize ({@code get_resize_output_image_size}, PIL resize), center crop, rescale,
 * normalize, channels first. Decoding and RGB conversion are {@link ImageFiles}'s.
 */
public final class ImageProcessor {

    private final ImageProcessorConfig config;

    public ImageProcessor(ImageProcessorConfig config) {
        this.config = config;
    }

    /** The processor a model folder's preprocessor_config.json describes. */
    public static ImageProcessor load(Path preprocessorConfig) {
        return new ImageProcessor(ImageProcessorConfig.read(preprocessorConfig));
    }

    public ImageProcessorConfig config() {
        return config;
    }

    /** Pixel values with their size: {@code values} holds (3, height, width) float32 values, channels first. */
    public record PixelValues(int height, int width, float[] values) {
    }

    /** The (3, height(), width()) float32 pixel values for one image, channels first. */
    public float[] pixelValues(RgbImage image) {
        return process(image).values();
    }

    public PixelValues process(RgbImage image) {
        RgbImage im = image;
        if (config.doResize()) {
            int h;
            int w;
            if (config.size() instanceof ImageProcessorConfig.ShortestEdge(int edge)) {
                int[] hw = ImageTransforms.shortestEdgeSize(im.height(), im.width(), edge);
                h = hw[0];
                w = hw[1];
            } else {
                ImageProcessorConfig.HeightWidth hw = (ImageProcessorConfig.HeightWidth) config.size();
                h = hw.height();
                w = hw.width();
            }
            im = config.resample().resize(im, w, h);
        }
        if (config.doCenterCrop()) {
            im = ImageTransforms.centerCrop(im, config.cropHeight(), config.cropWidth());
        }
        float[] values = ImageTransforms.toChannelsFirst(im, config.doRescale(), config.rescaleFactor(),
                config.doNormalize(), config.imageMean(), config.imageStd());
        return new PixelValues(im.height(), im.width(), values);
    }

    /** The output height when it does not depend on the image (a center crop, or a fixed resize). */
    public int height() {
        return fixedSize()[0];
    }

    /** The output width when it does not depend on the image (a center crop, or a fixed resize). */
    public int width() {
        return fixedSize()[1];
    }

    private int[] fixedSize() {
        if (config.doCenterCrop()) {
            return new int[] {config.cropHeight(), config.cropWidth()};
        }
        if (config.doResize() && config.size() instanceof ImageProcessorConfig.HeightWidth(int h, int w)) {
            return new int[] {h, w};
        }
        throw new IllegalStateException("without a center crop or a fixed resize the output size depends on the "
                + "image; use process(image).height()");
    }
}

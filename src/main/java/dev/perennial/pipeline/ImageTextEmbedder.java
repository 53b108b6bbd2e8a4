package dev.perennial.pipeline;

import dev.perennial.image.RgbImage;

import java.nio.file.Path;
import java.util.List;

/**
 * A model that embeds texts and images into one space, normalised so that a dot product is their cosine: what
 * image search ranks with (CLIP's projections, or BLIP retrieval's vision_proj and text_proj).
 */
sealed interface ImageTextEmbedder permits ClipEncoder, BlipEncoder {

    Path dir();

    /** The width of the shared space. */
    int dimension();

    /** Normalised text embeddings [texts.size()][dimension()]. */
    float[][] textEmbeddings(List<String> texts);

    /** Normalised image embeddings [images.size()][dimension()]. */
    float[][] imageEmbeddings(List<RgbImage> images);
}

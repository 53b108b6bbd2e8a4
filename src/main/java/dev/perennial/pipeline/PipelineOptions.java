package dev.perennial.pipeline;

import dev.perennial.UserError;
import dev.perennial.tensor.DType;

import java.nio.file.Path;

/**
 * How a pipeline runs: the precision of the model, how many inputs go through the model at once, and for image
 * search the folder of images to index.
 */
public record PipelineOptions(DType dtype, int batchSize, Path images) {

    public static final int DEFAULT_BATCH_SIZE = 32;

    public PipelineOptions {
        if (batchSize < 1) {
            throw new UserError("--batch-size " + batchSize + " is not a positive number");
        }
        if (dtype == null) {
            dtype = DType.F32;
        }
    }

    public static PipelineOptions defaults() {
        return new PipelineOptions(DType.F32, DEFAULT_BATCH_SIZE, null);
    }

    public PipelineOptions withImages(Path folder) {
        return new PipelineOptions(dtype, batchSize, folder);
    }
}

package dev.perennial.cli;

import dev.perennial.pipeline.Inputs;
import picocli.CommandLine.Option;

/** Automatic mask generation's settings, under transformers' MaskGenerationPipeline names and defaults. */
final class MaskGridOptions {

    @Option(names = "--points-per-batch", defaultValue = "64", paramLabel = "N", description = "automatic "
            + "mask-generation (no --points, no --box): the grid clicks decoded at once (default ${DEFAULT-VALUE}).")
    int pointsPerBatch;

    @Option(names = "--points-per-crop", defaultValue = "32", paramLabel = "N", description = "automatic "
            + "mask-generation: an N×N grid of clicks (default ${DEFAULT-VALUE}).")
    int pointsPerCrop;

    @Option(names = "--pred-iou-thresh", defaultValue = "0.88", paramLabel = "T", description = "automatic "
            + "mask-generation: the predicted IoU a mask must pass (default ${DEFAULT-VALUE}).")
    double predIouThresh;

    @Option(names = "--stability-score-thresh", defaultValue = "0.95", paramLabel = "T", description = "automatic "
            + "mask-generation: the stability score a mask must pass (default ${DEFAULT-VALUE}).")
    double stabilityScoreThresh;

    Inputs.MaskGrid grid() {
        return Inputs.MaskGrid.DEFAULTS.withPointsPerBatch(pointsPerBatch).withPointsPerCrop(pointsPerCrop)
                .withPredIouThresh(predIouThresh).withStabilityScoreThresh(stabilityScoreThresh);
    }
}

package dev.perennial.speech;

/** A window's length and its overlaps with its neighbours, in seconds (the pipeline's stride after postprocess). */
public record Stride(double length, double left, double right) {
}

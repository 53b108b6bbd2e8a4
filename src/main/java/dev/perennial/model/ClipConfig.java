package dev.perennial.model;
public record ClipConfig(int imageSize, int textMaxPositions, int projectionDim) {}

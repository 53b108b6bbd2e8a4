package dev.perennial.model;
public record BertConfig(String modelType, int hiddenSize, int maxPositions) {}

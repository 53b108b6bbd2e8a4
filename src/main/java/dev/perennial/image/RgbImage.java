package dev.perennial.image;
public record RgbImage(int width, int height, byte[] rgb) {}

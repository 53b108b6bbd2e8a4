package dev.perennial.audio;

/** Mono audio: samples in [-1, 1] (float, as transformers' pipelines hold them) at {@code rate} samples a second. */
public record Waveform(float[] samples, int rate) {

    public double seconds() {
        return samples.length / (double) rate;
    }
}

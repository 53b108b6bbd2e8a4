package dev.perennial.audio;

/** Decoded audio before the mixdown: {@code channels[c][i]} is channel c's sample i, as float in [-1, 1]. */
public record Channels(float[][] channels, int rate) {

    public int frames() {
        return channels.length == 0 ? 0 : channels[0].length;
    }
}

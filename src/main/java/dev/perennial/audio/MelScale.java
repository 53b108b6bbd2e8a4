package dev.perennial.audio;

/**
 * The two mel scales of transformers' {@code audio_utils.hertz_to_mel} / {@code mel_to_hertz}: HTK's
 * {@code 2595 log10(1 + f / 700)} (torchaudio's default) and Slaney's (librosa's default: linear below 1 kHz,
 * logarithmic above).
 */
public enum MelScale {
    HTK,
    SLANEY;

    private static final double MIN_LOG_HERTZ = 1000.0;
    private static final double MIN_LOG_MEL = 15.0;
    private static final double LOG_6_4 = Math.log(6.4);

    public double toMel(double hertz) {
        if (this == HTK) {
            return 2595.0 * Math.log10(1.0 + hertz / 700.0);
        }
        if (hertz >= MIN_LOG_HERTZ) {
            return MIN_LOG_MEL + Math.log(hertz / MIN_LOG_HERTZ) * (27.0 / LOG_6_4);
        }
        return 3.0 * hertz / 200.0;
    }

    public double toHertz(double mel) {
        if (this == HTK) {
            return 700.0 * (Math.pow(10, mel / 2595.0) - 1.0);
        }
        if (mel >= MIN_LOG_MEL) {
            return MIN_LOG_HERTZ * Math.exp((LOG_6_4 / 27.0) * (mel - MIN_LOG_MEL));
        }
        return 200.0 * mel / 3.0;
    }
}

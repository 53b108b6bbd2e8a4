package dev.perennial.model;

/**
 * Rotary position embeddings (Su et al. 2021) as Hugging Face computes them: on the first {@code dims} of each
 * head's dimensions, with {@code inv_freq[i] = 1 / theta^(2i/dims)}, optionally rescaled the Llama 3 way.
 */
public record Rope(int dims, double theta, Llama3Scaling llama3) {

    /** Llama 3.1's frequency-dependent scaling ("rope_type": "llama3"). */
    public record Llama3Scaling(double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositions) {
    }

    /** The inverse frequencies, {@code dims / 2} of them. */
    public double[] inverseFrequencies() {
        double[] inv = new double[dims / 2];
        for (int i = 0; i < inv.length; i++) {
            inv[i] = 1.0 / Math.pow(theta, (2.0 * i) / dims);
        }
        if (llama3 != null) {
            rescale(inv);
        }
        return inv;
    }

    /** transformers' _compute_llama3_parameters. */
    private void rescale(double[] inv) {
        double lowWavelength = llama3.originalMaxPositions() / llama3.lowFreqFactor();
        double highWavelength = llama3.originalMaxPositions() / llama3.highFreqFactor();
        for (int i = 0; i < inv.length; i++) {
            double wavelength = 2 * Math.PI / inv[i];
            double scaled = wavelength > lowWavelength ? inv[i] / llama3.factor() : inv[i];
            boolean medium = !(wavelength < highWavelength) && !(wavelength > lowWavelength);
            if (medium) {
                double smooth = (llama3.originalMaxPositions() / wavelength - llama3.lowFreqFactor())
                        / (llama3.highFreqFactor() - llama3.lowFreqFactor());
                scaled = (1 - smooth) * scaled / llama3.factor() + smooth * scaled;
            }
            inv[i] = scaled;
        }
    }
}

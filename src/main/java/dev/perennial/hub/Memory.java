package dev.perennial.hub;

import java.util.Locale;
/**
 * What a model of {@code parameters} needs in memory, before activations: to run, its weights (4 bytes per
 * parameter in fp32, 2 in bf16); to train with AdamW, weights + gradients + two moments (16 bytes per parameter in
 * fp32, 8 in pure bf16).
 */
public record Memory(long parameters) {

    public long runFp32() {
        return 4 * parameters;
    }

    public long runBf16() {
        return 2 * parameters;
    }

    public long trainFp32() {
        return 16 * parameters;
    }

    public long trainBf16() {
        return 8 * parameters;
    }

    public static String human(long bytes) {
        if (bytes < 0) {
            return "?";
        }
        String[] units = {"B", "KB", "MB", "GB", "TB"};
        double v = bytes;
        int u = 0;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
    }
}

package dev.perennial.config;

import java.math.BigDecimal;

/** Numbers as a person would write them in a config: 0.01, 3e-4, 1000. */
public final class Numbers {

    private Numbers() {
    }

    public static String format(double value) {
        if (!Double.isFinite(value)) {
            return Double.toString(value);
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        double magnitude = Math.abs(value);
        if (magnitude >= 1e-3 && magnitude < 1e7) {
            return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
        }
        String scientific = BigDecimal.valueOf(value).stripTrailingZeros().toString(); // e.g. 3E-4, 1.65E-4
        return scientific.replace("E+", "e").replace("E", "e");
    }
}

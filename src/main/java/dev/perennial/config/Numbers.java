package dev.perennial.config;

import java.math.BigDecimal;
import java.math.MathContext;

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
        // Six significant digits hide binary noise such as 0.1 × 3e-4 = 2.9999999999999997e-5.
        BigDecimal rounded = new BigDecimal(value).round(new MathContext(6)).stripTrailingZeros();
        double magnitude = Math.abs(value);
        if (magnitude >= 1e-2 && magnitude < 1e7) {
            return rounded.toPlainString();
        }
        int exponent = rounded.precision() - rounded.scale() - 1;
        return rounded.movePointLeft(exponent).stripTrailingZeros().toPlainString() + "e" + exponent; // 3e-4, 1.65e-4
    }
}

package dev.perennial.plot;

import java.math.BigDecimal;

/** Axis ticks at round numbers (1, 2 or 5 times a power of ten) and their labels. */
public final class Ticks {

    private Ticks() {
    }

    /** About {@code count} round ticks covering {@code [lo, hi]}; the first is at or below lo, the last at or above hi. */
    public static double[] nice(double lo, double hi, int count) {
        double span = hi - lo;
        if (!(span > 0)) {
            span = Math.max(Math.abs(hi), 1e-12);
        }
        double raw = span / Math.max(1, count);
        double power = Math.pow(10, Math.floor(Math.log10(raw)));
        double fraction = raw / power;
        double step = (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
        double first = Math.floor(lo / step) * step;
        double last = Math.ceil(hi / step) * step;
        if (last <= first) {
            last = first + step;
        }
        int n = (int) Math.round((last - first) / step) + 1;
        double[] ticks = new double[n];
        for (int i = 0; i < n; i++) {
            ticks[i] = first + i * step;
        }
        return ticks;
    }

    /** A short label: 0, 250, 1.5k, 2M, 3e-4. */
    public static String format(double v) {
        double a = Math.abs(v);
        if (a < 1e-15) {
            return "0";
        }
        if (a >= 1e9) {
            return trim(v / 1e9) + "B";
        }
        if (a >= 1e6) {
            return trim(v / 1e6) + "M";
        }
        if (a >= 1e3) {
            return trim(v / 1e3) + "k";
        }
        if (a >= 1e-2) {
            return trim(v);
        }
        String s = String.format("%.2e", v);
        String mantissa = trim(Double.parseDouble(s.substring(0, s.indexOf('e'))));
        int exponent = Integer.parseInt(s.substring(s.indexOf('e') + 1));
        return mantissa + "e" + exponent;
    }

    private static String trim(double v) {
        return BigDecimal.valueOf(Math.round(v * 1000) / 1000.0).stripTrailingZeros().toPlainString();
    }
}

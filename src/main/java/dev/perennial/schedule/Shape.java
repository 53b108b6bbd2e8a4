package dev.perennial.schedule;

/**
 * How the learning rate moves inside one {@link Segment}. Every shape is evaluated at a step {@code n} of the
 * stage together with the segment's bounds, so the formulas below read exactly as in docs/architecture.md
 * ("Schedules, exactly"), with {@code p = (n - start) / (end - start)} the progress through the segment.
 */
public sealed interface Shape {

    double at(double n, double start, double end);

    /** Linear ramp: warmup ({@code lr = from + (M - from)·n/W}), linear cooldown and WSD's linear decay. */
    record Linear(double from, double to) implements Shape {
        public double at(double n, double start, double end) {
            return from + (to - from) * progress(n, start, end);
        }
    }

    /** Half-cosine from {@code from} to {@code to}: {@code to + (from - to)/2·(1 + cos(π·p))}; never past {@code to}. */
    record Cosine(double from, double to) implements Shape {
        public double at(double n, double start, double end) {
            double lr = to + (from - to) / 2 * (1 + Math.cos(Math.PI * progress(n, start, end)));
            return clampBetween(lr, from, to);
        }
    }

    /** A constant learning rate. */
    record Hold(double lr) implements Shape {
        public double at(double n, double start, double end) {
            return lr;
        }
    }

    /**
     * WSD's 1−sqrt decay (Hägele et al. 2024, "Scaling Laws and Compute-Optimal Training Beyond Fixed Training
     * Durations", §3): {@code to + (from - to)·(1 - √p)}.
     */
    record OneMinusSqrt(double from, double to) implements Shape {
        public double at(double n, double start, double end) {
            return clampBetween(to + (from - to) * (1 - Math.sqrt(progress(n, start, end))), from, to);
        }
    }

    /**
     * The paper's inverse-sqrt cooldown (Ibrahim et al. 2024, §7.2): {@code M + (c - M)·h(k/T_cd)/h(1)} with
     * {@code h(x) = 1/√(1 + α·x) - 1}; it starts at {@code from = M} and ends exactly at {@code to = c}.
     */
    record InverseSqrtCooldown(double from, double to, double alpha) implements Shape {
        public double at(double n, double start, double end) {
            double p = progress(n, start, end);
            return clampBetween(from + (to - from) * h(p) / h(1), from, to);
        }

        private double h(double x) {
            return 1 / Math.sqrt(1 + alpha * x) - 1;
        }
    }

    /** The paper's exponential anneal: {@code c·(m/c)^(k'/T_ann)}. */
    record Exponential(double from, double to) implements Shape {
        public double at(double n, double start, double end) {
            return clampBetween(from * Math.pow(to / from, progress(n, start, end)), from, to);
        }
    }

    /**
     * Classic inverse-square-root decay after a warmup of {@code W = start} steps (Vaswani et al. 2017):
     * {@code peak·√(W/n)}, never below {@code floor}.
     */
    record InverseSqrtDecay(double peak, double floor) implements Shape {
        public double at(double n, double start, double end) {
            return Math.max(floor, peak * Math.sqrt(start / n));
        }
    }

    private static double progress(double n, double start, double end) {
        return (n - start) / (end - start);
    }

    /** Guards a monotone shape against rounding past its end points (docs/architecture.md: "never below m"). */
    private static double clampBetween(double lr, double a, double b) {
        return Math.min(Math.max(lr, Math.min(a, b)), Math.max(a, b));
    }
}

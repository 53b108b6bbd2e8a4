package dev.perennial.schedule;

/**
 * A stage's learning-rate schedule, as a pure function of the step. Fractions are of the stage's length
 * {@code T}; derived lengths are real numbers, never rounded (docs/architecture.md, "Schedules, exactly"). Values
 * are checked by the run config's rules (config.ScheduleRules) before a schedule is built.
 */
public sealed interface Schedule {

    Family family();

    /** Fraction of the stage spent warming up linearly to the peak. */
    double warmup();

    WarmupStart warmupFrom();

    double maxLr();

    /** The stage's learning rate over {@code [0, totalSteps]}, warming up from {@code warmupStartLr}. */
    LrCurve curve(double totalSteps, double warmupStartLr);

    private static CurveBuilder warmedUp(Schedule s, double totalSteps, double warmupStartLr) {
        return new CurveBuilder().then("warmup", s.warmup() * totalSteps, new Shape.Linear(warmupStartLr, s.maxLr()));
    }

    /** Constant at {@code maxLr} after an optional warmup: "re-warm without re-decay", or "continue at η_min". */
    record Constant(double maxLr, double warmup, WarmupStart warmupFrom) implements Schedule {
        public Family family() {
            return Family.CONSTANT;
        }

        public LrCurve curve(double totalSteps, double warmupStartLr) {
            return warmedUp(this, totalSteps, warmupStartLr)
                    .thenUntil("constant", totalSteps, new Shape.Hold(maxLr)).build();
        }
    }

    /** Linear warmup, then cosine decay to {@code minLr} at the end of the stage (the paper's default). */
    record Cosine(double maxLr, double minLr, double warmup, WarmupStart warmupFrom) implements Schedule {
        public Family family() {
            return Family.COSINE;
        }

        public LrCurve curve(double totalSteps, double warmupStartLr) {
            return warmedUp(this, totalSteps, warmupStartLr)
                    .thenUntil("decay", totalSteps, new Shape.Cosine(maxLr, minLr)).build();
        }
    }

    /** Warmup-stable-decay: warmup, constant at the peak, and a decay to {@code minLr} over the final {@code decay}. */
    record WarmupStableDecay(double maxLr, double minLr, double warmup, WarmupStart warmupFrom, double decay,
                             DecayShape decayShape) implements Schedule {
        public Family family() {
            return Family.WSD;
        }

        public LrCurve curve(double totalSteps, double warmupStartLr) {
            double decayStart = totalSteps - decay * totalSteps;
            return warmedUp(this, totalSteps, warmupStartLr)
                    .thenUntil("stable", decayStart, new Shape.Hold(maxLr))
                    .thenUntil("decay", totalSteps, decayShape.shape(maxLr, minLr)).build();
        }
    }

    /** Warmup, then {@code maxLr·√(W/n)}, floored at {@code minLr}. Needs a warmup, which sets the timescale. */
    record InverseSqrt(double maxLr, double minLr, double warmup, WarmupStart warmupFrom) implements Schedule {
        public Family family() {
            return Family.INVERSE_SQRT;
        }

        public LrCurve curve(double totalSteps, double warmupStartLr) {
            return warmedUp(this, totalSteps, warmupStartLr)
                    .thenUntil("decay", totalSteps, new Shape.InverseSqrtDecay(maxLr, minLr)).build();
        }
    }

    /**
     * The paper's infinite schedules (Ibrahim et al. 2024, §7.2): warmup, cooldown from {@code maxLr} to
     * {@code constantLr} over {@code cooldown·T}, constant until {@code constantEnd·T} after the warmup (where the
     * constant phase ENDS, not its length), then an exponential anneal to {@code minLr} over what is left. With
     * {@code warmup + constantEnd = 1} there is no anneal, and the constant phase can carry into the next stage.
     */
    record Infinite(Family family, double maxLr, double constantLr, double minLr, double warmup,
                    WarmupStart warmupFrom, double cooldown, double constantEnd, double timescale)
            implements Schedule {

        /** How far below 1 warmup + constant_end may be summed and still mean "no anneal" (as the rules allow). */
        public static final double NO_ANNEAL_TOLERANCE = 1e-12;

        public LrCurve curve(double totalSteps, double warmupStartLr) {
            double warmupSteps = warmup * totalSteps;
            double cooldownSteps = cooldown * totalSteps;
            // warmup + constant_end = 1 means no anneal; summed in floating point it can fall a hair short of T
            // (0.06 + 5.94 < 6), which would leave a sliver of anneal that ends the stage at min_lr.
            double constantEndStep = warmup + constantEnd >= 1 - NO_ANNEAL_TOLERANCE ? totalSteps
                    : warmupSteps + constantEnd * totalSteps;
            return warmedUp(this, totalSteps, warmupStartLr)
                    .then("cooldown", cooldownSteps, cooldownShape())
                    .thenUntil("constant", constantEndStep, new Shape.Hold(constantLr))
                    .thenUntil("anneal", totalSteps, new Shape.Exponential(constantLr, minLr)).build();
        }

        private Shape cooldownShape() {
            return switch (family) {
                case INFINITE_COSINE -> new Shape.Cosine(maxLr, constantLr);
                case INFINITE_INVERSE_SQRT -> new Shape.InverseSqrtCooldown(maxLr, constantLr, timescale);
                case INFINITE_LINEAR -> new Shape.Linear(maxLr, constantLr);
                default -> throw new IllegalStateException(family + " is not an infinite schedule");
            };
        }
    }
}

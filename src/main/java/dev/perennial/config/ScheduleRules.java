package dev.perennial.config;

import dev.perennial.Choice;
import dev.perennial.schedule.DecayShape;
import dev.perennial.schedule.Family;
import dev.perennial.schedule.Schedule;
import dev.perennial.schedule.WarmupStart;

import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one place where a {@link ScheduleConfig} is checked and completed with defaults. Defaults are the paper's
 * (Ibrahim et al. 2024, §7.2, 405M model): η_max 3e-4, η_min = 0.1·η_max, η_const = 0.55·η_max (1.65e-4), warmup
 * 1% of the stage, cooldown 0.6, constant phase ending at 0.85, inverse-sqrt timescale α = 10.
 */
public final class ScheduleRules {

    public static final double DEFAULT_MAX_LR = 3e-4;
    /** libtorch keeps a learning rate in a 32-bit float: a larger one (1e300) fails inside AdamW. */
    public static final double MAX_MAX_LR = Float.MAX_VALUE;
    public static final double DEFAULT_MIN_LR_RATIO = 0.1;
    public static final double DEFAULT_CONSTANT_LR_RATIO = 0.55;
    public static final double DEFAULT_WARMUP = 0.01;
    public static final double DEFAULT_COOLDOWN = 0.6;
    public static final double DEFAULT_CONSTANT_END = 0.85;
    public static final double DEFAULT_TIMESCALE = 10;
    /** WSD decays over the final 20% by default (Hägele et al. 2024 found 10–20% enough). */
    public static final double DEFAULT_DECAY = 0.2;
    public static final DecayShape DEFAULT_DECAY_SHAPE = DecayShape.ONE_MINUS_SQRT;

    private static final Set<Family> INFINITE =
            EnumSet.of(Family.INFINITE_COSINE, Family.INFINITE_INVERSE_SQRT, Family.INFINITE_LINEAR);

    /** Which families each optional key applies to; family, max_lr, warmup and warmup_from apply to all. */
    private static final Map<String, Set<Family>> KEY_FAMILIES = Map.of(
            "min_lr", EnumSet.complementOf(EnumSet.of(Family.CONSTANT)),
            "constant_lr", INFINITE,
            "cooldown", INFINITE,
            "constant_end", INFINITE,
            "timescale", EnumSet.of(Family.INFINITE_INVERSE_SQRT),
            "decay", EnumSet.of(Family.WSD),
            "decay_shape", EnumSet.of(Family.WSD));

    private ScheduleRules() {
    }

    /**
     * Checks {@code config} and returns the schedule it describes, or empty after adding every problem found to
     * {@code problems}. {@code isFirstStage} refuses warming up from a previous stage that does not exist.
     */
    public static Optional<Schedule> resolve(ScheduleConfig config, KeyPath at, boolean isFirstStage,
                                             Problems problems) {
        Optional<Family> family = family(config.family(), at.key("family"), problems);
        if (family.isEmpty()) {
            return Optional.empty();
        }
        Family f = family.get();
        boolean ok = keysApply(config, f, at, problems);

        double maxLr = or(config.maxLr(), DEFAULT_MAX_LR);
        ok &= problems.positive(at.key("max_lr"), maxLr, "the peak learning rate") && fitsAFloat(maxLr, at, problems);
        double minLr = or(config.minLr(), ok ? DEFAULT_MIN_LR_RATIO * maxLr : 0);
        ok &= problems.nonNegative(at.key("min_lr"), minLr, "the floor");
        if (ok && minLr > maxLr) {
            problems.add(at.key("min_lr"), Numbers.format(minLr) + " is above max_lr " + Numbers.format(maxLr)
                    + "; the floor must not exceed the peak");
            ok = false;
        }
        double warmup = or(config.warmup(), f == Family.CONSTANT ? 0 : DEFAULT_WARMUP);
        ok &= problems.inRange(at.key("warmup"), warmup, 0, 1, "a fraction of the stage's steps");
        Optional<WarmupStart> warmupFrom = problems.choice(WarmupStart.class, config.warmupFrom(), WarmupStart.ZERO,
                at.key("warmup_from"));
        ok &= warmupFrom.isPresent();
        if (warmupFrom.orElse(null) == WarmupStart.PREVIOUS && isFirstStage) {
            problems.add(at.key("warmup_from"), "previous: the first stage has no previous stage; use zero");
            ok = false;
        }
        if (!ok) {
            return Optional.empty();
        }
        WarmupStart from = warmupFrom.get();
        return switch (f) {
            case CONSTANT -> Optional.of(new Schedule.Constant(maxLr, warmup, from));
            case COSINE -> Optional.of(new Schedule.Cosine(maxLr, minLr, warmup, from));
            case INVERSE_SQRT -> inverseSqrt(maxLr, minLr, warmup, from, at, problems);
            case WSD -> wsd(config, maxLr, minLr, warmup, from, at, problems);
            case INFINITE_COSINE, INFINITE_INVERSE_SQRT, INFINITE_LINEAR ->
                    infinite(config, f, maxLr, minLr, warmup, from, at, problems);
        };
    }

    private static boolean fitsAFloat(double maxLr, KeyPath at, Problems problems) {
        if (maxLr > MAX_MAX_LR) {
            problems.add(at.key("max_lr"), Numbers.format(maxLr) + " is more than libtorch holds in a float (3.4e38); "
                    + "peak learning rates are about 1e-4 to 1e-2");
            return false;
        }
        return true;
    }

    private static Optional<Schedule> inverseSqrt(double maxLr, double minLr, double warmup, WarmupStart from,
                                                  KeyPath at, Problems problems) {
        if (warmup <= 0) {
            problems.add(at.key("warmup"), "0: inverse-sqrt decays as √(W/n) from the end of the warmup W, "
                    + "so it needs a warmup above 0 (for example 0.01)");
            return Optional.empty();
        }
        return Optional.of(new Schedule.InverseSqrt(maxLr, minLr, warmup, from));
    }

    private static Optional<Schedule> wsd(ScheduleConfig config, double maxLr, double minLr, double warmup,
                                          WarmupStart from, KeyPath at, Problems problems) {
        double decay = or(config.decay(), DEFAULT_DECAY);
        boolean ok = problems.inRange(at.key("decay"), decay, 0, 1, "the final fraction of the stage spent decaying");
        Optional<DecayShape> shape = problems.choice(DecayShape.class, config.decayShape(), DEFAULT_DECAY_SHAPE,
                at.key("decay_shape"));
        ok &= shape.isPresent();
        if (ok && warmup + decay > 1) {
            problems.add(at.key("decay"), Numbers.format(decay) + " plus warmup " + Numbers.format(warmup)
                    + " is more than the whole stage; make warmup + decay ≤ 1");
            ok = false;
        }
        return ok ? Optional.of(new Schedule.WarmupStableDecay(maxLr, minLr, warmup, from, decay, shape.get()))
                : Optional.empty();
    }

    private static Optional<Schedule> infinite(ScheduleConfig config, Family family, double maxLr, double minLr,
                                               double warmup, WarmupStart from, KeyPath at, Problems problems) {
        double constantLr = or(config.constantLr(), DEFAULT_CONSTANT_LR_RATIO * maxLr);
        double cooldown = or(config.cooldown(), DEFAULT_COOLDOWN);
        double constantEnd = or(config.constantEnd(), DEFAULT_CONSTANT_END);
        double timescale = or(config.timescale(), DEFAULT_TIMESCALE);
        boolean ok = problems.inRange(at.key("constant_lr"), constantLr, minLr, maxLr,
                "between min_lr and max_lr");
        ok &= problems.inRange(at.key("cooldown"), cooldown, 0, 1, "a fraction of the stage's steps");
        ok &= problems.inRange(at.key("constant_end"), constantEnd, 0, 1,
                "where the constant phase ends, as a fraction of the stage counted from the end of the warmup");
        ok &= problems.positive(at.key("timescale"), timescale, "α of the inverse-sqrt cooldown");
        if (!ok) {
            return Optional.empty();
        }
        if (cooldown > constantEnd) {
            problems.add(at.key("cooldown"), Numbers.format(cooldown) + " ends after the constant phase, which ends at "
                    + "constant_end " + Numbers.format(constantEnd) + "; make cooldown ≤ constant_end");
            ok = false;
        }
        if (warmup + constantEnd > 1 + 1e-12) {
            problems.add(at.key("constant_end"), Numbers.format(constantEnd) + " plus warmup " + Numbers.format(warmup)
                    + " is past the end of the stage; make warmup + constant_end ≤ 1 (equal to 1: no anneal)");
            ok = false;
        }
        boolean anneals = warmup + constantEnd < 1;
        if (ok && anneals && minLr <= 0) {
            problems.add(at.key("min_lr"), "0: the exponential anneal c·(m/c)^(k/T) needs a floor above 0 "
                    + "(or make warmup + constant_end = 1 to end the stage without an anneal)");
            ok = false;
        }
        return ok ? Optional.of(new Schedule.Infinite(family, maxLr, constantLr, minLr, warmup, from, cooldown,
                constantEnd, timescale)) : Optional.empty();
    }

    private static Optional<Family> family(String id, KeyPath key, Problems problems) {
        if (id == null) {
            problems.add(key, "missing; choose one of " + String.join(", ", Choice.ids(Family.class)));
            return Optional.empty();
        }
        return problems.choice(Family.class, id, null, key);
    }

    /** Refuses keys that the family ignores, so that a typo of family or a misplaced key does not go unnoticed. */
    private static boolean keysApply(ScheduleConfig config, Family family, KeyPath at, Problems problems) {
        boolean ok = true;
        for (String key : config.keysSet().keySet()) {
            Set<Family> families = KEY_FAMILIES.get(key);
            if (families != null && !families.contains(family)) {
                problems.add(at.key(key), "does not apply to family " + family + "; it is a setting of "
                        + String.join(", ", families.stream().map(Family::id).toList()));
                ok = false;
            }
        }
        return ok;
    }

    private static double or(Double value, double fallback) {
        return value != null ? value : fallback;
    }

}

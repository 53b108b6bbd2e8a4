package dev.perennial.config;

import dev.perennial.Choice;
import dev.perennial.schedule.DecayShape;
import dev.perennial.schedule.Family;
import dev.perennial.schedule.Schedule;
import dev.perennial.schedule.WarmupStart;

import java.util.EnumSet;
import java.util.List;
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

    /** The three ways to give a warmup, of which one at most may be set. */
    private static final List<String> WARMUP_KEYS = List.of("warmup", "warmup_steps", "warmup_tokens");

    private static final Set<Family> INFINITE =
            EnumSet.of(Family.INFINITE_COSINE, Family.INFINITE_INVERSE_SQRT, Family.INFINITE_LINEAR);

    /** Which families each optional key applies to; family, max_lr, the warmup keys and warmup_from apply to all. */
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
     * {@code problems}. {@code stageSteps} (empty when the stage's length was refused) and {@code tokensPerStep}
     * (0: unknown) turn a warmup in steps or tokens into the fraction of the stage the schedule uses.
     * {@code isFirstStage} refuses warming up from a previous stage that does not exist.
     */
    public static Optional<Schedule> resolve(ScheduleConfig config, Optional<Long> stageSteps, long tokensPerStep,
                                             KeyPath at, boolean isFirstStage, Problems problems) {
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
        Optional<Warmup> warmupGiven = warmup(config, f, stageSteps, tokensPerStep, at, problems);
        ok &= warmupGiven.isPresent();
        double warmup = warmupGiven.map(Warmup::fraction).orElse(0.0);
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
            case INVERSE_SQRT -> inverseSqrt(maxLr, minLr, warmupGiven.get(), from, at, problems);
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

    private static Optional<Schedule> inverseSqrt(double maxLr, double minLr, Warmup warmup, WarmupStart from,
                                                  KeyPath at, Problems problems) {
        if (warmup.fraction() <= 0) {
            problems.add(at.key(warmup.key()), "0: inverse-sqrt decays as √(W/n) from the end of the warmup W, "
                    + "so it needs a warmup above 0 (for example 0.01)");
            return Optional.empty();
        }
        return Optional.of(new Schedule.InverseSqrt(maxLr, minLr, warmup.fraction(), from));
    }

    /** The warmup as the fraction of the stage that the schedule uses, and the key it was given by. */
    private record Warmup(double fraction, String key) {
    }

    /**
     * The warmup from whichever of warmup (a fraction), warmup_steps or warmup_tokens was given, or the family's
     * default. Steps and tokens become the fraction W/T exactly, with W a real number (never rounded to whole steps).
     */
    private static Optional<Warmup> warmup(ScheduleConfig config, Family family, Optional<Long> stageSteps,
                                           long tokensPerStep, KeyPath at, Problems problems) {
        Map<String, Object> set = config.keysSet();
        List<String> given = WARMUP_KEYS.stream().filter(set::containsKey).toList();
        if (given.size() > 1) {
            problems.add(at.key(given.get(1)), "given with " + name(at, given.get(0)) + "; give only one of "
                    + name(at, "warmup") + " (a fraction of the stage), " + name(at, "warmup_steps")
                    + " (optimizer steps) or " + name(at, "warmup_tokens") + " (tokens)");
            return Optional.empty();
        }
        if (given.isEmpty()) {
            return Optional.of(new Warmup(family == Family.CONSTANT ? 0 : DEFAULT_WARMUP, "warmup"));
        }
        String key = given.getFirst();
        double value = (Double) set.get(key);
        if (key.equals("warmup")) {
            return problems.inRange(at.key(key), value, 0, 1, "a fraction of the stage's steps")
                    ? Optional.of(new Warmup(value, key)) : Optional.empty();
        }
        boolean inSteps = key.equals("warmup_steps");
        if (!problems.nonNegative(at.key(key), value, inSteps ? "optimizer steps of warmup" : "tokens of warmup")) {
            return Optional.empty();
        }
        if (!inSteps && tokensPerStep == 0) {
            problems.add(at.key(key), "needs tokens per step to become steps; " + (at.asFlag()
                    ? "give --tokens-per-step" : "set seq_len and global_batch"));
            return Optional.empty();
        }
        if (stageSteps.isEmpty()) {
            return Optional.empty(); // the stage's length was refused, and said so
        }
        double steps = inSteps ? value : value / tokensPerStep;
        long stage = stageSteps.get();
        if (steps > stage) {
            problems.add(at.key(key), Numbers.format(value) + (inSteps ? " steps" : " tokens (" + Numbers.format(steps)
                    + " steps)") + " is longer than the stage's " + stage + " steps; make the warmup at most the stage");
            return Optional.empty();
        }
        return Optional.of(new Warmup(inSteps ? value / stage : value / ((double) tokensPerStep * stage), key));
    }

    /** A key as the user wrote it: the config key, or the flag that mirrors it. */
    private static String name(KeyPath at, String key) {
        return at.asFlag() ? at.key(key).toString() : key;
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
        if (warmup + constantEnd > 1 + Schedule.Infinite.NO_ANNEAL_TOLERANCE) {
            problems.add(at.key("constant_end"), Numbers.format(constantEnd) + " plus warmup " + Numbers.format(warmup)
                    + " is past the end of the stage; make warmup + constant_end ≤ 1 (equal to 1: no anneal)");
            ok = false;
        }
        boolean anneals = warmup + constantEnd < 1 - Schedule.Infinite.NO_ANNEAL_TOLERANCE;
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

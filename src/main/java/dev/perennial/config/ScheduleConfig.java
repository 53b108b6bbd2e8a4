package dev.perennial.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A stage's {@code schedule:} block as written. Every field but {@code family} may be left out and then takes
 * its family's default; {@link ScheduleRules} checks and completes it. The warmup is given as a fraction of the
 * stage ({@code warmup}), in optimizer steps ({@code warmup_steps}) or in tokens ({@code warmup_tokens}): one of
 * the three at most.
 */
public record ScheduleConfig(
        String family,
        Double maxLr,
        Double minLr,
        Double constantLr,
        Double warmup,
        Double warmupSteps,
        Double warmupTokens,
        String warmupFrom,
        Double cooldown,
        Double constantEnd,
        Double decay,
        String decayShape,
        Double timescale) {

    /** The keys the user set, by their config names, in declaration order. */
    Map<String, Object> keysSet() {
        Map<String, Object> set = new LinkedHashMap<>();
        put(set, "max_lr", maxLr);
        put(set, "min_lr", minLr);
        put(set, "constant_lr", constantLr);
        put(set, "warmup", warmup);
        put(set, "warmup_steps", warmupSteps);
        put(set, "warmup_tokens", warmupTokens);
        put(set, "warmup_from", warmupFrom);
        put(set, "cooldown", cooldown);
        put(set, "constant_end", constantEnd);
        put(set, "decay", decay);
        put(set, "decay_shape", decayShape);
        put(set, "timescale", timescale);
        return set;
    }

    private static void put(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}

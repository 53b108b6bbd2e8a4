package dev.perennial.config;

import java.util.Map;

/**
 * How a setting is named to the user in an error: as a key path in a YAML config
 * ({@code stages[1].schedule.warmup}) or as the command-line flag that mirrors it ({@code --warmup}).
 */
public record KeyPath(String text, boolean asFlag) {

    /** Config keys whose flag is spelled differently from the key. */
    private static final Map<String, String> FLAG_NAMES = Map.of("steps", "total-steps", "tokens", "total-tokens");

    public static KeyPath root() {
        return new KeyPath("", false);
    }

    public static KeyPath flags() {
        return new KeyPath("", true);
    }

    public KeyPath key(String key) {
        if (asFlag) {
            return new KeyPath("--" + FLAG_NAMES.getOrDefault(key, key).replace('_', '-'), true);
        }
        return new KeyPath(text.isEmpty() ? key : text + "." + key, false);
    }

    public KeyPath index(int i) {
        return asFlag ? this : new KeyPath(text + "[" + i + "]", false);
    }

    @Override
    public String toString() {
        return text;
    }
}

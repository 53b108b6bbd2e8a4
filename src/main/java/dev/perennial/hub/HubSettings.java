package dev.perennial.hub;

import dev.perennial.UserError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The environment huggingface_hub reads, read the same way: HF_ENDPOINT (default https://huggingface.co),
 * HF_TOKEN or the token file under HF_HOME, HF_HUB_CACHE or HF_HOME/hub or ~/.cache/huggingface/hub, HF_HUB_OFFLINE,
 * and HF_HUB_DOWNLOAD_TIMEOUT / HF_HUB_ETAG_TIMEOUT (seconds); and Perennial's own retry settings, which
 * huggingface_hub fixes in its code: PERENNIAL_HUB_DOWNLOAD_RETRIES (how often a broken transfer is resumed, default
 * 5) and PERENNIAL_HUB_RETRY_WAIT (seconds before the first retry, doubling to at most 8, default 1).
 */
public record HubSettings(String endpoint, Optional<String> token, Path cache, boolean offline, Duration timeout,
                          DownloadRetries retries) {

    public static HubSettings fromEnvironment() {
        return from(System.getenv());
    }

    public static HubSettings from(Map<String, String> env) {
        Path home = env.containsKey("HF_HOME") ? Path.of(env.get("HF_HOME"))
                : Path.of(System.getProperty("user.home"), ".cache", "huggingface");
        Path cache = env.containsKey("HF_HUB_CACHE") ? Path.of(env.get("HF_HUB_CACHE")) : home.resolve("hub");
        Optional<String> token = Optional.ofNullable(env.get("HF_TOKEN")).filter(t -> !t.isBlank());
        if (token.isEmpty() && Files.isRegularFile(home.resolve("token"))) {
            try {
                token = Optional.of(Files.readString(home.resolve("token")).strip()).filter(t -> !t.isBlank());
            } catch (IOException e) {
                token = Optional.empty();
            }
        }
        String endpoint = env.getOrDefault("HF_ENDPOINT", "https://huggingface.co").replaceAll("/+$", "");
        boolean offline = isTrue(env.get("HF_HUB_OFFLINE"));
        long seconds = Long.parseLong(env.getOrDefault("HF_HUB_DOWNLOAD_TIMEOUT", "10"));
        return new HubSettings(endpoint, token, cache, offline, Duration.ofSeconds(seconds), retries(env));
    }

    private static DownloadRetries retries(Map<String, String> env) {
        DownloadRetries defaults = DownloadRetries.DEFAULT;
        int retries = (int) number(env, "PERENNIAL_HUB_DOWNLOAD_RETRIES", defaults.retries());
        double seconds = number(env, "PERENNIAL_HUB_RETRY_WAIT", defaults.firstWait().toMillis() / 1000.0);
        Duration firstWait = Duration.ofNanos(Math.round(seconds * 1e9));
        return new DownloadRetries(retries, firstWait, firstWait.compareTo(defaults.maxWait()) > 0 ? firstWait
                : defaults.maxWait());
    }

    private static double number(Map<String, String> env, String name, double fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            double number = Double.parseDouble(value.strip());
            if (number >= 0) {
                return number;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new UserError("the environment variable " + name + "=" + value + " is not a number of zero or more; "
                + "set it to one, or unset it for the default");
    }

    private static boolean isTrue(String value) {
        return value != null && (value.equals("1") || value.equalsIgnoreCase("true") || value.equalsIgnoreCase("yes")
                || value.equalsIgnoreCase("on"));
    }
}

package dev.perennial.hub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The environment huggingface_hub reads, read the same way: HF_ENDPOINT (default https://huggingface.co),
 * HF_TOKEN or the token file under HF_HOME, HF_HUB_CACHE or HF_HOME/hub or ~/.cache/huggingface/hub, HF_HUB_OFFLINE,
 * and HF_HUB_DOWNLOAD_TIMEOUT / HF_HUB_ETAG_TIMEOUT (seconds).
 */
public record HubSettings(String endpoint, Optional<String> token, Path cache, boolean offline, Duration timeout) {

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
        return new HubSettings(endpoint, token, cache, offline, Duration.ofSeconds(seconds));
    }

    private static boolean isTrue(String value) {
        return value != null && (value.equals("1") || value.equalsIgnoreCase("true") || value.equalsIgnoreCase("yes")
                || value.equalsIgnoreCase("on"));
    }
}

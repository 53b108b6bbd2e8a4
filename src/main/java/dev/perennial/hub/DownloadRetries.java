package dev.perennial.hub;

import java.time.Duration;

/**
 * How often a broken file transfer is resumed within one command, and how long to wait before each try: the wait
 * doubles from {@code firstWait} up to {@code maxWait}. The defaults follow huggingface_hub: {@code http_get}
 * resumes a broken transfer up to 5 times, and {@code http_backoff} waits 1 s, doubling, at most 8 s.
 */
public record DownloadRetries(int retries, Duration firstWait, Duration maxWait) {

    public static final DownloadRetries DEFAULT = new DownloadRetries(5, Duration.ofSeconds(1), Duration.ofSeconds(8));

    public DownloadRetries {
        if (retries < 0 || firstWait.isNegative() || maxWait.isNegative()) {
            throw new IllegalArgumentException("retries and waits cannot be negative");
        }
    }

    /** The wait before retry number {@code retry} (1 for the first retry). */
    public Duration waitBefore(int retry) {
        Duration wait = firstWait;
        for (int i = 1; i < retry && wait.compareTo(maxWait) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(maxWait) < 0 ? wait : maxWait;
    }
}

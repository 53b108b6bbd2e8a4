package dev.perennial.hub;

import dev.perennial.UserError;

/** The Hub (or the CDN it redirects to) could not be reached: a network failure, worth a retry for a download. */
public final class HubUnreachable extends UserError {

    public HubUnreachable(String problem, Throwable cause) {
        super(problem, cause);
    }
}

package dev.llmsse.limit;

import java.time.Duration;

import dev.llmsse.stream.AdmissionRefusedException;

/** A rate limit refused the request: answered 429 with {@code Retry-After}, before any stream opens. */
public final class RateLimitedException extends AdmissionRefusedException {

    private final String limit;
    private final long retryAfterSeconds;

    RateLimitedException(String limit, Duration retryAfter) {
        super("rate limit reached: " + limit);
        this.limit = limit;
        // Retry-After is whole seconds: round up, so that a client waiting that long is admitted.
        long millis = Math.max(1, retryAfter.toMillis());
        this.retryAfterSeconds = Math.max(1, (millis + 999) / 1000);
    }

    /** Which limit: {@code requests-per-minute}, {@code concurrent-streams}, {@code tokens-per-minute}, {@code connections-per-ip}. */
    public String limit() {
        return limit;
    }

    /** Seconds to wait before the same request can pass. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}

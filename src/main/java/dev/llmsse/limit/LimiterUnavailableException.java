package dev.llmsse.limit;

import dev.llmsse.stream.AdmissionRefusedException;

/** The limiter's store is unreachable and {@code gateway.limits.fail-open=false}: answered 503. */
public final class LimiterUnavailableException extends AdmissionRefusedException {

    /** The {@code Retry-After} of its 503, in seconds, wherever it is answered. */
    public static final String RETRY_AFTER_SECONDS = "5";

    LimiterUnavailableException() {
        super("the rate limiter's store is unavailable");
    }
}

package dev.llmsse.limit;

import dev.llmsse.stream.AdmissionRefusedException;

/** The limiter's store is unreachable and {@code gateway.limits.fail-open=false}: answered 503. */
public final class LimiterUnavailableException extends AdmissionRefusedException {

    LimiterUnavailableException() {
        super("the rate limiter's store is unavailable");
    }
}

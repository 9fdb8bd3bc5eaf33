package dev.llmsse.web;

import dev.llmsse.limit.LimiterUnavailableException;
import dev.llmsse.limit.RateLimitedException;
import dev.llmsse.provider.UnknownModelException;
import dev.llmsse.session.StoreUnavailableException;
import dev.llmsse.stream.AnswerFailedException;
import dev.llmsse.stream.CapacityExceededException;
import dev.llmsse.stream.InvalidLastEventIdException;
import dev.llmsse.stream.OverloadedException;
import dev.llmsse.stream.SessionNotFoundException;
import dev.llmsse.stream.ShuttingDownException;

import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpStatus;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;

/**
 * How each error the gateway expects is answered, in one table: status, {@code code}, detail (our own text,
 * never an upstream's, so nothing a provider echoes leaks), and a {@code Retry-After} where waiting helps.
 */
final class KnownProblems {

    static final String BODY_TOO_LARGE = "the request body is too large";

    private KnownProblems() {
    }

    /** The answer to {@code error}, or null when it is none of the expected ones. */
    static ProblemResponse answer(Exception error) {
        if (error instanceof RefusedRequestException refused) {
            return ProblemResponse.of(refused.status(), refused.code(), refused.getMessage());
        }
        if (error instanceof DataBufferLimitException) {
            return ProblemResponse.of(HttpStatus.CONTENT_TOO_LARGE, "too_large", BODY_TOO_LARGE);
        }
        if (error instanceof ServerExchangeRejectedException) {
            // Spring Security's firewall refused something (a header value outside Latin-1 or ASCII).
            return ProblemResponse.of(HttpStatus.BAD_REQUEST, "bad_request",
                    "the request has characters that are not allowed");
        }
        if (error instanceof UnknownModelException unknown) {
            return ProblemResponse.of(HttpStatus.BAD_REQUEST, "unknown_model",
                    unknown.getMessage() + "; available: " + String.join(", ", unknown.available()))
                    .with("available", unknown.available());
        }
        if (error instanceof SessionNotFoundException) {
            return ProblemResponse.of(HttpStatus.NOT_FOUND, "not_found", error.getMessage());
        }
        if (error instanceof InvalidLastEventIdException) {
            return ProblemResponse.of(HttpStatus.BAD_REQUEST, "bad_last_event_id", error.getMessage());
        }
        if (error instanceof RateLimitedException limited) {
            return ProblemResponse.of(HttpStatus.TOO_MANY_REQUESTS, "rate_limited",
                    "rate limit reached: " + limited.limit())
                    .with("limit", limited.limit()).retryAfter(Long.toString(limited.retryAfterSeconds()));
        }
        if (error instanceof AnswerFailedException failed) {
            return ProblemResponse.of(HttpStatus.BAD_GATEWAY, failed.failure().code(), failed.failure().message())
                    .with("retryable", failed.failure().retryable());
        }
        return unavailable(error);
    }

    /** 503 with a {@code Retry-After}: not now, but a retry (here, or on another replica) can succeed. */
    private static ProblemResponse unavailable(Exception error) {
        if (error instanceof CapacityExceededException) {
            return ProblemResponse.of(HttpStatus.SERVICE_UNAVAILABLE, "at_capacity", error.getMessage())
                    .retryAfter("5");
        }
        if (error instanceof OverloadedException) {
            // Short: the lag that refused it clears within a second or two once admitted streams catch up.
            return ProblemResponse.of(HttpStatus.SERVICE_UNAVAILABLE, "overloaded", error.getMessage())
                    .retryAfter("2");
        }
        if (error instanceof StoreUnavailableException) {
            return ProblemResponse.of(HttpStatus.SERVICE_UNAVAILABLE, "store_unavailable",
                    "the session store is unavailable; try again shortly").retryAfter("5");
        }
        if (error instanceof ShuttingDownException) {
            return ProblemResponse.of(HttpStatus.SERVICE_UNAVAILABLE, "shutting_down", error.getMessage())
                    .retryAfter("1");
        }
        if (error instanceof LimiterUnavailableException) {
            return ProblemResponse.of(HttpStatus.SERVICE_UNAVAILABLE, "limiter_unavailable",
                    "the rate limiter is unavailable; try again shortly")
                    .retryAfter(LimiterUnavailableException.RETRY_AFTER_SECONDS);
        }
        return null;
    }
}

package dev.llmsse.provider;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

import dev.llmsse.chat.ProviderException;
import dev.llmsse.trace.RequestTrace;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.netty.http.client.PrematureCloseException;
import reactor.util.context.ContextView;

/**
 * Maps HTTP and transport failures at the adapter edge into typed {@link ProviderException}s.
 *
 * <p>An error body is released unread: providers echo request details (sometimes the key itself) in
 * error documents, so nothing from the body may reach a log line, a problem response or an error frame.
 * Only the status code and the provider id are logged.
 */
public final class HttpErrors {

    private static final Logger LOG = LoggerFactory.getLogger(HttpErrors.class);
    private static final Duration MAX_PARSED_RETRY_AFTER = Duration.ofHours(1);

    private HttpErrors() {
    }

    /**
     * The typed error for an error status the provider answered; logs the status (and nothing of the body,
     * which is drained unread) with the client request's trace and id from {@code context}.
     */
    static ProviderException fromStatus(String provider, int status, String retryAfter, ContextView context) {
        try (RequestTrace.LogScope scope = RequestTrace.logScope(context)) {
            LOG.warn("provider {} answered HTTP {}", provider, status);
        }
        return fromStatus(status, retryAfter(retryAfter));
    }

    /** The typed error for an upstream status code. */
    static ProviderException fromStatus(int status, Duration retryAfter) {
        if (status == 401 || status == 403) {
            return new ProviderException("auth", "the provider rejected the gateway's credentials (HTTP "
                    + status + ")", false);
        }
        if (status == 404) {
            return new ProviderException("bad_request", "the provider does not serve this model (HTTP 404)",
                    false);
        }
        if (status == 429) {
            return new ProviderException("rate_limited", "the provider is rate limiting the gateway (HTTP 429)",
                    true, retryAfter);
        }
        if (status == 408 || status >= 500) {
            return new ProviderException("upstream_unavailable", "the provider failed (HTTP " + status + ")",
                    true, retryAfter);
        }
        return new ProviderException("bad_request", "the provider rejected the request (HTTP " + status + ")",
                false);
    }

    /**
     * For {@code onErrorMap}: connection refused or reset and a body cut short become retryable errors with
     * our own message (a transport exception's message may name hosts or URLs); a {@link ProviderException}
     * and anything unexpected pass unchanged.
     */
    public static Throwable fromTransport(Throwable error) {
        if (error instanceof ProviderException) {
            return error;
        }
        // the transport cause is looked up along the chain: a failure before the response head comes wrapped
        // in an UpstreamRequestException
        if (hasCause(error, PrematureCloseException.class)) {
            return new ProviderException("truncated", "the provider closed the connection before the answer ended",
                    true);
        }
        if (error instanceof UpstreamRequestException || hasCause(error, IOException.class)) {
            String message = hasCause(error, ConnectException.class)
                    ? "the provider could not be reached" : "the connection to the provider failed";
            return new ProviderException("upstream_unavailable", message, true);
        }
        return error;
    }

    private static boolean hasCause(Throwable error, Class<? extends Throwable> type) {
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    /** A {@code Retry-After} value as seconds or an HTTP date; null when absent, unreadable or absurd. */
    static Duration retryAfter(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        Duration delay;
        try {
            delay = Duration.ofSeconds(Long.parseLong(value.strip()));
        } catch (NumberFormatException notSeconds) {
            try {
                delay = Duration.between(ZonedDateTime.now(),
                        ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME));
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
        if (delay.isNegative()) {
            return Duration.ZERO;
        }
        return delay.compareTo(MAX_PARSED_RETRY_AFTER) > 0 ? MAX_PARSED_RETRY_AFTER : delay;
    }
}

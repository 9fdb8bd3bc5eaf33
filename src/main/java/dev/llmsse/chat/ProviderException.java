package dev.llmsse.chat;

import java.time.Duration;

/**
 * A provider failure, typed at the adapter edge so that the stream layer can decide between retry and a
 * terminal error frame. The message is shown to clients: it must never contain a key or an upstream body
 * that could echo one.
 */
public class ProviderException extends RuntimeException {

    private final String code;
    private final boolean retryable;
    private final Duration retryAfter;

    public ProviderException(String code, String message, boolean retryable) {
        this(code, message, retryable, null);
    }

    /** A failure whose upstream said when to try again (HTTP {@code Retry-After}). */
    public ProviderException(String code, String message, boolean retryable, Duration retryAfter) {
        super(message, null, false, false);
        this.code = code;
        this.retryable = retryable;
        this.retryAfter = retryAfter;
    }

    /** A short machine-readable code, for example {@code upstream_unavailable}. */
    public String code() {
        return code;
    }

    /** Whether the same request may succeed if tried again. */
    public boolean retryable() {
        return retryable;
    }

    /** How long the upstream asked us to wait before trying again, or null when it did not say. */
    public Duration retryAfter() {
        return retryAfter;
    }
}

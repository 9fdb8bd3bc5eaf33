package dev.llmsse.provider;

/**
 * A provider request that failed before its response head: no connection from the pool in time, a refused
 * or reset connection, a timeout. {@link HttpErrors#fromTransport} makes it a retryable
 * {@code upstream_unavailable}; its message is never shown (a transport message may name hosts or URLs).
 */
final class UpstreamRequestException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    UpstreamRequestException(Throwable cause) {
        super("the provider request failed before its response", cause);
    }
}

package dev.llmsse.provider;

/**
 * A provider failure, typed at the adapter edge so that the stream layer can decide between retry and a
 * terminal error frame. The message is shown to clients: it must never contain a key or an upstream body
 * that could echo one.
 */
public class ProviderException extends RuntimeException {

    private final String code;
    private final boolean retryable;

    public ProviderException(String code, String message, boolean retryable) {
        super(message, null, false, false);
        this.code = code;
        this.retryable = retryable;
    }

    /** A short machine-readable code, for example {@code upstream_unavailable}. */
    public String code() {
        return code;
    }

    /** Whether the same request may succeed if tried again. */
    public boolean retryable() {
        return retryable;
    }
}

package dev.llmsse.stream;

import java.util.concurrent.TimeoutException;

import dev.llmsse.chat.ProviderException;
import dev.llmsse.chat.StreamEvent;
import dev.llmsse.trace.RequestTrace;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.util.context.ContextView;

/** Maps whatever ended an upstream flux to the terminal error frame a client sees. */
final class UpstreamErrors {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamErrors.class);

    /** The upstream sent nothing for {@code gateway.stream.idle-timeout}. */
    static final StreamEvent.Failed IDLE_TIMEOUT =
            new StreamEvent.Failed("idle_timeout", "the provider went silent", true);

    /** This replica lost the generation's lease: another replica took the answer over. */
    static final StreamEvent.Failed LEASE_LOST =
            new StreamEvent.Failed("interrupted", "another replica took over this answer", true);

    /** The provider's stream ended without its terminal event. */
    static final StreamEvent.Failed TRUNCATED =
            new StreamEvent.Failed("truncated", "the provider ended without finishing the answer", true);

    /** No client was attached for the detach grace, here or on another replica. */
    static final StreamEvent.Failed ABANDONED =
            new StreamEvent.Failed("cancelled", "no client was attached any more", true);

    /** The answer ran past {@code gateway.stream.max-duration}. */
    static final StreamEvent.Failed MAX_DURATION =
            new StreamEvent.Failed("max_duration", "the answer took longer than allowed", false);

    /** The gateway is shutting down and ended the answer; a client resumes on another replica. */
    static final StreamEvent.Failed SHUTDOWN =
            new StreamEvent.Failed("shutdown", "the gateway is shutting down; retry", true);

    /** The answer reached {@code gateway.stream.max-events}. */
    static final StreamEvent.Failed TOO_LONG =
            new StreamEvent.Failed("too_long", "the answer exceeded the gateway's event limit", false);

    private UpstreamErrors() {
    }

    /** @param trace the request id and trace of the client request the upstream served, for the log line */
    static StreamEvent.Failed toFailed(Throwable error, ContextView trace) {
        if (error instanceof ProviderException provider) {
            return new StreamEvent.Failed(provider.code(), provider.getMessage(), provider.retryable());
        }
        if (error instanceof TimeoutException) {
            return IDLE_TIMEOUT;
        }
        // Unknown failures are logged here by type only: their messages may carry upstream text.
        try (RequestTrace.LogScope scope = RequestTrace.logScope(trace)) {
            LOG.warn("stream failed with an unexpected {}", error.getClass().getName());
        }
        return new StreamEvent.Failed("internal_error", "the gateway failed to relay the answer", true);
    }
}

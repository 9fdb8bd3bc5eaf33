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

    /** The endings the gateway decides itself, each as the terminal event its clients get. */
    enum Ending {
        /** The upstream sent nothing for {@code gateway.stream.idle-timeout}. */
        IDLE_TIMEOUT("idle_timeout", "the provider went silent", true),
        /** This replica lost the generation's lease: another replica took the answer over. */
        LEASE_LOST("interrupted", "another replica took over this answer", true),
        /** The provider's stream ended without its terminal event. */
        TRUNCATED("truncated", "the provider ended without finishing the answer", true),
        /** No client was attached for the detach grace, here or on another replica. */
        ABANDONED("cancelled", "no client was attached any more", true),
        /** The answer ran past {@code gateway.stream.max-duration}. */
        MAX_DURATION("max_duration", "the answer took longer than allowed", false),
        /** The gateway is shutting down and ended the answer; a client resumes on another replica. */
        SHUTDOWN("shutdown", "the gateway is shutting down; retry", true),
        /** The answer reached {@code gateway.stream.max-events}. */
        TOO_LONG("too_long", "the answer exceeded the gateway's event limit", false);

        final StreamEvent.Failed event;

        Ending(String code, String message, boolean retryable) {
            this.event = new StreamEvent.Failed(code, message, retryable);
        }
    }

    private UpstreamErrors() {
    }

    /** @param trace the request id and trace of the client request the upstream served, for the log line */
    static StreamEvent.Failed toFailed(Throwable error, ContextView trace) {
        if (error instanceof ProviderException provider) {
            return new StreamEvent.Failed(provider.code(), provider.getMessage(), provider.retryable());
        }
        if (error instanceof TimeoutException) {
            return Ending.IDLE_TIMEOUT.event;
        }
        // Unknown failures are logged here by type only: their messages may carry upstream text.
        try (RequestTrace.LogScope scope = RequestTrace.logScope(trace)) {
            LOG.warn("stream failed with an unexpected {}", error.getClass().getName());
        }
        return new StreamEvent.Failed("internal_error", "the gateway failed to relay the answer", true);
    }
}

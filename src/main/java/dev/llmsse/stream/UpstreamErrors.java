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

package dev.llmsse.stream;

import dev.llmsse.provider.ProviderException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Maps whatever ended an upstream flux to the terminal error frame a client sees. */
final class UpstreamErrors {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamErrors.class);

    private UpstreamErrors() {
    }

    static StreamEvent.Failed toFailed(Throwable error) {
        if (error instanceof ProviderException provider) {
            return new StreamEvent.Failed(provider.code(), provider.getMessage(), provider.retryable());
        }
        // Unknown failures are logged here by type only: their messages may carry upstream text.
        LOG.warn("stream failed with an unexpected {}", error.getClass().getName());
        return new StreamEvent.Failed("internal_error", "the gateway failed to relay the answer", true);
    }
}

package dev.llmsse.provider.wire;

import dev.llmsse.chat.ProviderException;

/** The errors a decoder raises; not retryable, since the same upstream would send the same bytes again. */
final class DecodeErrors {

    static final String CODE = "upstream_protocol";

    private DecodeErrors() {
    }

    static ProviderException lineTooLong(int max) {
        return new ProviderException(CODE, "the provider sent a line longer than " + max + " bytes", false);
    }

    static ProviderException eventTooLarge(int max) {
        return new ProviderException(CODE, "the provider sent an event larger than " + max + " bytes", false);
    }
}

package dev.llmsse.provider;

import java.util.regex.Pattern;

import dev.llmsse.chat.ProviderException;

/**
 * Errors a provider reports inside a 200 stream (Anthropic's {@code event: error}, an OpenAI
 * {@code {"error":…}} chunk, Gemini's and Ollama's error objects). The client sees our own message with the
 * provider's error type at most, never the provider's message text, which may quote the request.
 */
public final class InBandErrors {

    private static final Pattern SAFE_TYPE = Pattern.compile("[A-Za-z0-9_.\\-]{1,64}");

    private InBandErrors() {
    }

    /**
     * @param type the provider's error type or status (for example {@code overloaded_error}), may be null
     */
    public static ProviderException of(String type) {
        String safe = type != null && SAFE_TYPE.matcher(type).matches() ? type : null;
        String lower = safe == null ? "" : safe.toLowerCase(java.util.Locale.ROOT);
        boolean clientFault = lower.contains("invalid") || lower.contains("auth") || lower.contains("permission")
                || lower.contains("not_found") || lower.contains("bad_request");
        String code = lower.contains("rate_limit") || lower.contains("resource_exhausted") ? "rate_limited"
                : "upstream_error";
        String message = "the provider reported an error during the answer" + (safe == null ? "" : " (" + safe + ")");
        return new ProviderException(code, message, !clientFault);
    }
}

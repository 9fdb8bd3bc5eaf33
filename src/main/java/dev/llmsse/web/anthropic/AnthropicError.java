package dev.llmsse.web.anthropic;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Anthropic's error document, {@code {"type": "error", "error": {"type", "message"}}}: what every error on this
 * door's routes is written as, before a stream opens (with the HTTP status) and after (as an {@code error} event).
 * The official SDKs pick their exception by HTTP status, or throw their stream exception for the event.
 *
 * @param type  always {@code error}
 * @param error the error's fields
 */
record AnthropicError(String type, Body error) {

    /**
     * @param type        Anthropic's class of the error ({@code invalid_request_error}, {@code api_error}, …)
     * @param message     our own text, never request input
     * @param code        our stable code (the same as {@code code} in our problem documents); Anthropic's clients
     *                    ignore it, people and logs read it
     * @param retryable   mid-stream only: whether the same request may succeed if sent again
     * @param lastEventId mid-stream only, when the gateway (not the provider) ended the stream: the id of the last
     *                    event this client got, to resend the request with as {@code Last-Event-ID}
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Body(String type, String message, String code, Boolean retryable,
            @JsonProperty("last_event_id") String lastEventId) {
    }

    /** The error answered before a stream, with this HTTP status. */
    static AnthropicError of(int status, String code, String message) {
        return new AnthropicError("error", new Body(typeFor(status), message, code, null, null));
    }

    /** The error event of a stream that failed after it opened. */
    static AnthropicError midStream(String code, String message, boolean retryable, String lastEventId) {
        return new AnthropicError("error", new Body(typeOf(code), message, code, retryable, lastEventId));
    }

    /** Anthropic's types as its API answers them, by status. */
    static String typeFor(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 503, 529 -> "overloaded_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }

    /** The type of a failure after the stream opened, from our terminal error code. */
    private static String typeOf(String code) {
        return switch (code) {
            case "rate_limited" -> "rate_limit_error";
            case "upstream_unavailable", "overloaded" -> "overloaded_error";
            case "idle_timeout", "max_duration" -> "timeout_error";
            default -> "api_error";
        };
    }
}

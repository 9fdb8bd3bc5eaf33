package dev.llmsse.web.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * OpenAI's error document, {@code {"error": {"message", "type", "param", "code"}}}: what every error on this
 * door's routes is written as, before a stream opens (with the HTTP status) and after (as a {@code data:} event).
 * The official SDKs turn it into their exception types by HTTP status, or into a stream exception when it
 * comes in an event.
 *
 * @param error the error's fields
 */
record OpenAiError(Body error) {

    /**
     * @param message        our own text, never request input
     * @param type           OpenAI's broad class of the error, from the status ({@link #typeFor})
     * @param param          the request parameter at fault, or null
     * @param code           our stable code (the same as {@code code} in our problem documents)
     * @param retryable      mid-stream only: whether the same request may succeed if sent again
     * @param lastEventId    mid-stream only, when the gateway (not the provider) ended the stream: the id of the
     *                       last event this client got, to resend the request with as {@code Last-Event-ID}
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Body(String message, String type, @JsonInclude(JsonInclude.Include.ALWAYS) String param, String code,
            Boolean retryable, @JsonProperty("last_event_id") String lastEventId) {
    }

    static OpenAiError of(int status, String code, String message, String param) {
        return new OpenAiError(new Body(message, typeFor(status), param, code, null, null));
    }

    /**
     * OpenAI's types as its API answers them ({@code invalid_request_error}, {@code authentication_error}, …); the
     * SDKs pick their exception by status, so the type is for people and logs.
     */
    static String typeFor(int status) {
        if (status == 401) {
            return "authentication_error";
        }
        if (status == 403) {
            return "permission_error";
        }
        if (status == 429) {
            return "rate_limit_error";
        }
        return status >= 500 ? "server_error" : "invalid_request_error";
    }
}

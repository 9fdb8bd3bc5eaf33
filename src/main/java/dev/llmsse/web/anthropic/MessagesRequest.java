package dev.llmsse.web.anthropic;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

import tools.jackson.databind.JsonNode;

/**
 * The body of {@code POST /v1/messages}, as Anthropic defines it: only the fields this door reads or refuses.
 * Others ({@code metadata}, {@code top_p}, {@code top_k}, {@code stop_sequences}, {@code thinking},
 * {@code service_tier}, …) are ignored, as Jackson ignores unknown properties. Fields whose JSON type varies
 * ({@code content}, {@code system}, {@code tools}, …) stay trees, read by {@link MessagesRequests}.
 */
record MessagesRequest(
        String model,
        List<Message> messages,
        JsonNode system,
        @JsonProperty("max_tokens") Integer maxTokens,
        Double temperature,
        Boolean stream,
        JsonNode tools,
        @JsonProperty("tool_choice") JsonNode toolChoice,
        @JsonProperty("output_config") JsonNode outputConfig,
        @JsonProperty("output_format") JsonNode outputFormat) {

    /** Whether the client asked for a stream ({@code "stream": true}). */
    boolean streaming() {
        return Boolean.TRUE.equals(stream);
    }

    /** One turn: {@code content} is a string or a list of content blocks. */
    record Message(String role, JsonNode content) {
    }
}

package dev.llmsse.web.openai;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

import tools.jackson.databind.JsonNode;

/**
 * The body of {@code POST /v1/chat/completions}, as OpenAI defines it: only the fields this door reads or
 * refuses. Others ({@code top_p}, {@code stop}, {@code seed}, {@code user}, …) are ignored, as Jackson ignores
 * unknown properties. Fields whose JSON type varies ({@code content}, {@code tools}, …) stay trees, read by
 * {@link CompletionRequests}.
 */
record CompletionRequest(
        String model,
        List<Message> messages,
        Boolean stream,
        @JsonProperty("stream_options") StreamOptions streamOptions,
        @JsonProperty("max_tokens") Integer maxTokens,
        @JsonProperty("max_completion_tokens") Integer maxCompletionTokens,
        Double temperature,
        Integer n,
        JsonNode tools,
        @JsonProperty("tool_choice") JsonNode toolChoice,
        JsonNode functions,
        @JsonProperty("function_call") JsonNode functionCall,
        @JsonProperty("response_format") JsonNode responseFormat) {

    /** Whether the client asked for a stream ({@code "stream": true}). */
    boolean streaming() {
        return Boolean.TRUE.equals(stream);
    }

    /**
     * One turn: {@code content} is a string or a list of parts; an assistant turn may carry {@code tool_calls},
     * a {@code tool} turn a {@code tool_call_id}.
     */
    record Message(String role, JsonNode content, String name, @JsonProperty("tool_calls") JsonNode toolCalls,
            @JsonProperty("tool_call_id") String toolCallId, @JsonProperty("function_call") JsonNode functionCall) {
    }

    /** {@code include_usage} is read but changes nothing: the usage chunk is always sent. */
    record StreamOptions(@JsonProperty("include_usage") Boolean includeUsage) {
    }
}

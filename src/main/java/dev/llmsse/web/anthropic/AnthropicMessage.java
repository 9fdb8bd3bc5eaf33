package dev.llmsse.web.anthropic;

import java.util.ArrayList;
import java.util.List;

import dev.llmsse.chat.StreamEvent;
import dev.llmsse.stream.Answer;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Anthropic's {@code message}: the non-streaming answer, and (without content, stop reason or counts) the
 * {@code message} of a stream's {@code message_start}. {@code stop_reason} and {@code stop_sequence} are written
 * even when null, as Anthropic writes them.
 */
record AnthropicMessage(String id, String type, String role, String model, List<Block> content,
        @JsonProperty("stop_reason") @JsonInclude(JsonInclude.Include.ALWAYS) String stopReason,
        @JsonProperty("stop_sequence") @JsonInclude(JsonInclude.Include.ALWAYS) String stopSequence, Usage usage) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A content block: text, or a tool call with its arguments as a JSON object. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
    @JsonSubTypes({@JsonSubTypes.Type(value = Text.class, name = "text"),
            @JsonSubTypes.Type(value = ToolUse.class, name = "tool_use")})
    sealed interface Block {
    }

    record Text(String text) implements Block {
    }

    record ToolUse(String id, String name, JsonNode input) implements Block {
    }

    /**
     * Anthropic's counts; one the provider did not report is 0 (Anthropic's clients read numbers, never null). The
     * cache counts are there only where known; like ours, Anthropic's input tokens leave them out.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Usage(@JsonProperty("input_tokens") long inputTokens, @JsonProperty("output_tokens") long outputTokens,
            @JsonProperty("cache_creation_input_tokens") Long cacheCreationInputTokens,
            @JsonProperty("cache_read_input_tokens") Long cacheReadInputTokens) {

        static Usage of(Long input, Long output) {
            return new Usage(input == null ? 0 : input, output == null ? 0 : output, null, null);
        }

        static Usage of(StreamEvent.Usage usage) {
            return usage == null ? of(null, null) : new Usage(usage.inputTokens() == null ? 0 : usage.inputTokens(),
                    usage.outputTokens() == null ? 0 : usage.outputTokens(), usage.cacheWriteTokens(),
                    usage.cacheReadTokens());
        }
    }

    /** The start of a streamed message: no content, stop reason or counts yet. */
    static AnthropicMessage started(String id, String model) {
        return new AnthropicMessage(id, "message", "assistant", model, List.of(), null, null, Usage.of(null, null));
    }

    /** The whole answer in Anthropic's shape; {@code id} is the message's ({@code msg_…}). */
    static AnthropicMessage of(String id, Answer answer) {
        List<Block> content = new ArrayList<>();
        if (!answer.text().isEmpty() || answer.toolCalls().isEmpty()) {
            content.add(new Text(answer.text()));
        }
        for (int i = 0; i < answer.toolCalls().size(); i++) {
            Answer.ToolCall call = answer.toolCalls().get(i);
            content.add(new ToolUse(toolUseId(call.id(), id, i), call.name(), input(call.arguments())));
        }
        StreamEvent.Usage usage = answer.usage();
        return new AnthropicMessage(id, "message", "assistant", answer.model(), content,
                stopReason(answer.finishReason()), null,
                Usage.of(usage));
    }

    /** Our finish reasons in Anthropic's words; another reason a provider gave passes through. */
    static String stopReason(String ours) {
        if (ours == null) {
            return "end_turn";
        }
        return switch (ours) {
            case "stop", "stopped" -> "end_turn";
            case "length" -> "max_tokens";
            case "tool_calls" -> "tool_use";
            case "content_filter" -> "refusal";
            default -> ours;
        };
    }

    /**
     * The provider's id for a tool call, or one made up from the message's where it gave none (Gemini): a
     * {@code tool_result} must name the call it answers.
     */
    static String toolUseId(String providers, String messageId, int index) {
        return providers == null || providers.isEmpty() ? "toolu_" + messageId.substring(4) + "_" + index : providers;
    }

    /**
     * The arguments as the JSON object Anthropic's {@code input} always is; arguments that are no JSON object (an
     * answer cut mid-call) are an empty object, as Anthropic's own SDKs read such a call.
     */
    static JsonNode input(String arguments) {
        try {
            JsonNode parsed = arguments == null || arguments.isBlank() ? null : JSON.readTree(arguments);
            return parsed != null && parsed.isObject() ? parsed : JSON.createObjectNode();
        } catch (JacksonException notJson) {
            return JSON.createObjectNode();
        }
    }
}

package dev.llmsse.web.openai;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import tools.jackson.core.io.JsonStringEncoder;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON of one response's {@code chat.completion.chunk}s. The text chunk, sent once per token, is spliced from
 * a prefix made once and the token as our frame already escaped it (no parse, no mapper); the rarer chunks are
 * records written by Jackson. Both give the same shape: {@code id}, {@code object}, {@code created},
 * {@code model}, one choice with {@code index} 0, its {@code delta}, {@code logprobs} null and
 * {@code finish_reason} (null until the last).
 */
record ChunkJson(String completionId, String model, long created, String textPrefix, String textPrefixWithRole) {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String OBJECT = "chat.completion.chunk";
    static final String TEXT_SUFFIX = "\"},\"logprobs\":null,\"finish_reason\":null}]}";

    /** The chunks of the response {@code completionId} answering {@code model}, created at {@code created}. */
    static ChunkJson of(String completionId, String model, long created) {
        StringBuilder head = new StringBuilder("{\"id\":\"");
        JsonStringEncoder.getInstance().quoteAsString(completionId, head);
        head.append("\",\"object\":\"" + OBJECT + "\",\"created\":").append(created).append(",\"model\":\"");
        JsonStringEncoder.getInstance().quoteAsString(model, head);
        head.append("\",\"choices\":[{\"index\":0,\"delta\":{");
        return new ChunkJson(completionId, model, created, head + "\"content\":\"",
                head + "\"role\":\"assistant\",\"content\":\"");
    }

    /** A text chunk for a token already escaped as a JSON string's content. */
    String text(String escapedToken, boolean withRole) {
        String prefix = withRole ? textPrefixWithRole : textPrefix;
        return new StringBuilder(prefix.length() + escapedToken.length() + TEXT_SUFFIX.length())
                .append(prefix).append(escapedToken).append(TEXT_SUFFIX).toString();
    }

    /** The first fragment of a tool call: its id and name, with empty arguments (as OpenAI sends it). */
    String toolCallStart(int index, String callId, String name, boolean withRole) {
        ToolCall call = new ToolCall(index, callId, "function", new Function(name, ""));
        return chunk(new Delta(withRole ? "assistant" : null, null, List.of(call)), null);
    }

    /** A further fragment of a tool call's arguments. */
    String toolCallArguments(int index, String arguments, boolean withRole) {
        ToolCall call = new ToolCall(index, null, null, new Function(null, arguments));
        return chunk(new Delta(withRole ? "assistant" : null, null, List.of(call)), null);
    }

    /** A piece of reasoning as {@code reasoning_content}, the delta field DeepSeek's and OpenRouter's clients read. */
    String reasoning(String text, boolean withRole) {
        return chunk(new ReasoningDelta(withRole ? "assistant" : null, text), null);
    }

    /** The chunk that ends the choice: an empty delta and the finish reason. */
    String finish(String finishReason, boolean withRole) {
        return chunk(new Delta(withRole ? "assistant" : null, null, null), finishReason);
    }

    /** The last chunk: no choices, the usage (always sent, whatever {@code stream_options.include_usage} says). */
    String usage(Usage usage) {
        return JSON.writeValueAsString(new Chunk(completionId, OBJECT, created, model, List.of(), usage));
    }

    private String chunk(Object delta, String finishReason) {
        return JSON.writeValueAsString(new Chunk(completionId, OBJECT, created, model,
                List.of(new Choice(0, delta, null, finishReason)), null));
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Chunk(String id, String object, long created, String model, List<Choice> choices, Usage usage) {
    }

    /** {@code logprobs} and {@code finish_reason} are written even when null, as OpenAI writes them. */
    record Choice(int index, Object delta, Object logprobs, @JsonProperty("finish_reason") String finishReason) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Delta(String role, String content, @JsonProperty("tool_calls") List<ToolCall> toolCalls) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ReasoningDelta(String role, @JsonProperty("reasoning_content") String reasoningContent) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ToolCall(int index, String id, String type, Function function) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Function(String name, String arguments) {
    }
}

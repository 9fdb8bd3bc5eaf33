package dev.llmsse.chat;

import java.util.List;

/**
 * A validated request to a provider, with the model already resolved to that provider's own name.
 *
 * @param model       the provider's model name (the part after {@code provider/})
 * @param messages    the conversation, oldest first, never empty
 * @param system      an optional system prompt
 * @param maxTokens   optional cap on output tokens
 * @param temperature optional sampling temperature
 * @param reasoning   optional reasoning options; null for the provider's default
 * @param tools       the tools the model may call; empty for none
 * @param toolChoice  whether and which tools it must call; null when the request did not say (the provider's
 *                    default, which is {@code auto} when there are tools)
 * @param responseFormat optional structured output: the JSON Schema the answer must follow; null for free text
 */
public record ChatRequest(String model, List<ChatMessage> messages, String system, Integer maxTokens,
        Double temperature, ReasoningOptions reasoning, List<Tool> tools, ToolChoice toolChoice,
        ResponseFormat responseFormat) {

    public ChatRequest {
        messages = List.copyOf(messages);
        tools = tools == null ? List.of() : List.copyOf(tools);
    }

    /** A request without structured output. */
    public ChatRequest(String model, List<ChatMessage> messages, String system, Integer maxTokens,
            Double temperature, ReasoningOptions reasoning, List<Tool> tools, ToolChoice toolChoice) {
        this(model, messages, system, maxTokens, temperature, reasoning, tools, toolChoice, null);
    }

    /** A request without reasoning options or tools. */
    public ChatRequest(String model, List<ChatMessage> messages, String system, Integer maxTokens,
            Double temperature) {
        this(model, messages, system, maxTokens, temperature, null, List.of(), null);
    }

    /** A request without tools. */
    public ChatRequest(String model, List<ChatMessage> messages, String system, Integer maxTokens,
            Double temperature, ReasoningOptions reasoning) {
        this(model, messages, system, maxTokens, temperature, reasoning, List.of(), null);
    }

    /** A request without reasoning options. */
    public ChatRequest(String model, List<ChatMessage> messages, String system, Integer maxTokens,
            Double temperature, List<Tool> tools, ToolChoice toolChoice) {
        this(model, messages, system, maxTokens, temperature, null, tools, toolChoice);
    }

    /** The same request for another model (a fallback target): nothing else may be lost on the way. */
    public ChatRequest withModel(String otherModel) {
        return new ChatRequest(otherModel, messages, system, maxTokens, temperature, reasoning, tools, toolChoice,
                responseFormat);
    }

    /** This request with tools to offer the model. */
    public ChatRequest withTools(List<Tool> offered, ToolChoice choice) {
        return new ChatRequest(model, messages, system, maxTokens, temperature, reasoning, offered, choice,
                responseFormat);
    }

    /** This request with the answer held to {@code format} (null for free text). */
    public ChatRequest withResponseFormat(ResponseFormat format) {
        return new ChatRequest(model, messages, system, maxTokens, temperature, reasoning, tools, toolChoice, format);
    }

    /** This request with {@code turns} as its conversation. */
    public ChatRequest withMessages(List<ChatMessage> turns) {
        return new ChatRequest(model, turns, system, maxTokens, temperature, reasoning, tools, toolChoice);
    }

    /** The text of the last user turn, or an empty string. */
    public String lastUserText() {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if ("user".equals(messages.get(i).role())) {
                return messages.get(i).content();
            }
        }
        return "";
    }
}

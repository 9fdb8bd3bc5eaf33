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
 */
public record ChatRequest(String model, List<ChatMessage> messages, String system, Integer maxTokens,
        Double temperature, ReasoningOptions reasoning) {

    public ChatRequest {
        messages = List.copyOf(messages);
    }

    /** A request without reasoning options. */
    public ChatRequest(String model, List<ChatMessage> messages, String system, Integer maxTokens,
            Double temperature) {
        this(model, messages, system, maxTokens, temperature, null);
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

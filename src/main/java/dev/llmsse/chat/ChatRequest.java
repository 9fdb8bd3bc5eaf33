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
 */
public record ChatRequest(String model, List<ChatMessage> messages, String system, Integer maxTokens,
        Double temperature) {

    public ChatRequest {
        messages = List.copyOf(messages);
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
